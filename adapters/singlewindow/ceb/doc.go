// Package ceb is the codec of the China international trade Single Window cross-border
// e-commerce messages (CEB, namespace http://www.chinaport.gov.cn/ceb) and of the customs entry
// declaration (DecMessage). It is pure: Go structs with encoding/xml tags, Marshal, parsers and
// format helpers; no I/O, no state, standard library only.
//
// # Contract
//
// The official schemas and sample messages in testdata/official are the contract: xsd-2022-05
// (current, what Marshal targets) and xsd-2018, with the 2018 export samples. Every struct lists
// its elements in the order of the 2022-05 xs:sequence, and the `ceb:"..."` tags carry the schema
// facets (length, digits, enumerations, cardinality) that Validate checks. The tests validate the
// output of every builder with xmllint against xsd-2022-05/export.xsd.
//
// What the service builds: CEB303 (order), CEB505 (waybill), CEB509 (departure), CEB603 (export
// inventory list), CEB605 (cancel a list), CEB701 (summary application), and DecMessage.
// What it reads: the receipts CEB304, CEB404, CEB506, CEB508, CEB510, CEB604, CEB606, CEB608,
// CEB702, CEB792 (summary result) and CEB900 (format error). The receipts have builders too, for
// the simulated customs authority, and the declarations have parsers (ParseCEB603, ...), for the
// same authority and for round-trip tests.
//
// # Writing
//
// Marshal(msg) validates and writes a UTF-8 document with an XML declaration, the "ceb:" prefix
// as in the official samples, tab indentation, and optional elements left out when empty (they
// are never sent empty: an empty preNo or invtNo would fail the schema). Root guid: 36
// characters, upper case (NewGUID); version "1.0". Formats: FormatAppTime (YYYYMMDDhhmmss),
// FormatReturnTime (17 digits, milliseconds), FormatDate (YYYYMMDD), all in China time (UTC+8).
// Money, weights and quantities are Decimal: exact decimal text, never floats.
//
// Signing: the schema makes ds:Signature optional (minOccurs=0) and the codec writes none. The
// E-Port requires declared messages (appStatus 2) to be signed; signing is a separate step over
// the bytes Marshal returns (enveloped XML-DSig, inserted after BaseTransfer and any
// BaseSubscribe, before ExtendMessage), done by the E-Port client or a signing service holding
// the firm's certificate. BaseSubscribe and ExtendMessage are not modelled.
//
// # Reading
//
// ParseReceipts(doc) reads ONE receipt document of any kind, told apart by its root element, and
// returns one normalized Receipt per return block (guid, returnStatus, returnTime in China time,
// returnInfo, and the business keys the block carries; for CEB792 the summary number, entry id,
// declaration state, weights and lines). ParseReceiptStream(body) cuts a body holding several
// concatenated documents (SplitDocuments) and parses each on its own, so one bad document does
// not sink the others. Errors are *ParseError{Element, Path, Line, Msg}: malformed XML names the
// open element and the line; a missing mandatory element (guid, returnStatus, returnTime, ...) is
// named with the line of its block; an unknown root element is named. Receipts are checked
// strictly against the schema facets (so that anything accepted can be written again); the
// tolerances are listed on ParseReceiptMessage. Unknown child elements are ignored, which keeps
// the reader working when customs adds optional elements.
//
// For CEB792 (a summary result, not a return block) Receipt.ReturnStatus is empty: the outcome
// is DecState and the time is opDate.
//
// # 2018 and 2022-05 schemas
//
// The 2018 samples validate against both schemas, except CEB792 against 2022-05 (gseqno, now
// mandatory, is missing); the reader accepts that CEB792 (GSeqNo reads 0). Differences that
// matter to the codec, 2018 → 2022-05:
//   - logisticsNo at most 32 characters (was 80) in CEB505/506, 507, 509, 603, 607 and 792 (the
//     new CEB213/215/216 refund messages keep 80);
//   - invtNo up to 20 characters (was exactly 18); ebpCode at most 18 (was 50);
//   - InventoryHead: fFlag and iFlag fixed to "3" (total), totalPackageNo at most 37 (was 60),
//     unit2 at most 3 (was exactly 3);
//   - minLength 1 dropped from most mandatory strings (empty now passes the schema; Validate
//     still requires business-mandatory values);
//   - DepartureList, WayBillList, SummaryResultList unbounded (were at most 100);
//     SummaryApplyList optional and unbounded (was 1..100);
//   - CEB792 SummaryResultList gains gseqno (between logisticsNo and gnum);
//   - appStatus default 1 (was 2) in OrderHead/Receipts; orderType documents B (B2B) and W;
//   - whiteSpace collapse on several codes; new refund messages CEB213–216.
//
// tradeMode is a 4-character string in both schemas (no enumeration): 9610, 1210, 1239, 9710 and
// 9810 are all accepted by the schema.
//
// # Codes
//
// Code mapping is not done here: currencies (3-digit customs codes, e.g. 142 CNY, 502 USD, 300
// EUR), countries (3-digit customs codes in CEB; ISO alpha-3 in DecMessage), units, transport
// modes (JGS-20, 3 = railway), customs districts and HS codes arrive already as customs codes.
// The app layer maps the API's ISO 4217 / ISO 3166 values before building a message.
//
// # DecMessage
//
// The entry declaration (报关单) has no schema in testdata/official. DecMessage is modelled from
// docs/customs.md §4 with the Single Window element names (DecHead, DecLists/DecList, DecSign with
// OperType G stage / C declare) in namespace DecNamespace [U]; it is NOT schema-checked. Check it
// against the official "dec" specification before connecting to the real Single Window.
//
// # CEB900
//
// CEB900 is not in the official schemas either. CEB900Message (MessageReturn: guid, returnStatus,
// returnTime, returnInfo, optional oriCopMsgId, oriMessageType, oriBizMessage) is modelled from
// public implementations [U] and is not schema-checked.
package ceb
