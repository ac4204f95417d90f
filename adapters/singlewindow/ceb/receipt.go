package ceb

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Receipt is one receipt block in a normalized form: one Receipt per return block (a receipt
// message may carry up to 100), with the business keys that block carries. Keys a block does
// not carry are empty. Values are as in the document with surrounding white space removed.
type Receipt struct {
	Message     string // receipt kind: "CEB304", "CEB506", "CEB510", "CEB604", "CEB606", "CEB702", "CEB792", "CEB900", ...
	MessageGUID string // guid attribute of the receipt message
	Block       int    // 1-based position of the block in the message

	GUID         string    // guid of the block: the guid of the declared document it answers
	ReturnStatus string    // "2", "100", "120", "399", "800", "-301010", ...; empty for CEB792 (see DecState)
	ReturnTime   time.Time // China time; for CEB792 the opDate
	ReturnInfo   string    // for CEB792 the note

	CopNo          string
	PreNo          string
	InvtNo         string
	OrderNo        string
	LogisticsNo    string
	LogisticsCode  string
	AgentCode      string
	EbcCode        string
	EbpCode        string
	StatisticsFlag string
	SumNo          string
	EntryID        string // CEB792: the customs declaration number, when assigned
	PayNo          string // CEB404
	OperatorCode   string // CEB508
	BillNo         string // CEB508, CEB608
	MsgSeqNo       int    // CEB508, CEB510, CEB608, CEB702, CEB792

	// CEB792 summary result.
	CustomsCode string
	DeclSeqNo   string
	DecTmpNo    string
	DecState    string
	GrossWeight Decimal
	NetWeight   Decimal
	Lines       []SummaryResultList

	// CEB900 format error.
	OriMessageType string
	OriCopMsgID    string
}

// InvtNos returns the distinct inventory list numbers of a CEB792 result, in order.
func (r Receipt) InvtNos() []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range r.Lines {
		if !seen[l.InvtNo] {
			seen[l.InvtNo] = true
			out = append(out, l.InvtNo)
		}
	}
	return out
}

// ReceiptMessage is a receipt message (CEB304, 404, 506, 508, 510, 604, 606, 608, 702, 792, 900),
// parsed or built.
type ReceiptMessage interface {
	Message
	// Receipts returns one normalized Receipt per block. ReturnTime is the zero time when a
	// block's timestamp is not valid (possible only for a message built in code, not validated).
	Receipts() []Receipt
	timeFields() []*string
}

var receiptRoots = map[string]bool{
	"CEB304Message": true, "CEB404Message": true, "CEB506Message": true, "CEB508Message": true,
	"CEB510Message": true, "CEB604Message": true, "CEB606Message": true, "CEB608Message": true,
	"CEB702Message": true, "CEB792Message": true, "CEB900Message": true,
}

func isReceiptRoot(n string) bool { return receiptRoots[n] }

// ParseReceipts reads ONE receipt document of any kind (CEB304, 404, 506, 508, 510, 604, 606,
// 608, 702, 792 or 900, told apart by the root element) and returns one Receipt per block.
// See ParseReceiptMessage for what is checked. Errors are *ParseError naming the element and line.
func ParseReceipts(data []byte) ([]Receipt, error) {
	m, err := ParseReceiptMessage(data)
	if err != nil {
		return nil, err
	}
	return m.Receipts(), nil
}

// ParseReceiptMessage reads one receipt document into its message type. It is strict: the
// document must be well-formed, hold exactly one root element that is a known receipt in the CEB
// namespace, and satisfy the facets of the 2022-05 schema known to the codec (Validate) — in
// particular every block needs its guid, returnStatus and returnTime (CEB792: guid, sumNo,
// opDate, declSeqNo, decState). It tolerates: a byte-order mark; the ceb: prefix or a default
// namespace; lower-case guids; a 14-digit returnTime/opDate (normalized here to 17 digits,
// milliseconds 000); the 2018 CEB792 without gseqno (read as 0); unknown child elements; and
// ds:Signature / ExtendMessage content (ignored). Anything it accepts, Marshal writes again.
func ParseReceiptMessage(data []byte) (ReceiptMessage, error) {
	m, s, err := decode(data, isReceiptRoot, receiptRootWhat)
	if err != nil {
		return nil, err
	}
	rm := m.(ReceiptMessage)
	if err := checkReceipt(rm, s); err != nil {
		return nil, err
	}
	return rm, nil
}

// checkReceipt normalizes 14-digit timestamps and validates; the first problem becomes a
// ParseError located in the document.
func checkReceipt(m ReceiptMessage, s *scanned) error {
	for _, p := range m.timeFields() {
		if len(*p) == 14 && allDigits(*p) {
			*p += "000"
		}
	}
	err := Validate(m)
	var ve *ValidationError
	if err == nil || !errors.As(err, &ve) {
		return err
	}
	f := ve.Fields[0]
	line, present := s.line(f.Path)
	msg := f.Msg
	if strings.HasPrefix(msg, "missing") || strings.HasPrefix(msg, "at least") {
		if present {
			msg = "mandatory element is empty"
		} else {
			msg = "missing mandatory element"
		}
	}
	if strings.Contains(f.Path, "/@") {
		msg = "attribute " + f.Element()[1:] + ": " + f.Msg
	}
	return &ParseError{Element: f.Element(), Path: f.Path, Line: line, Msg: msg}
}

// ---------------------------------------------------------------------------------------------
// Several documents in one body.

// Document is one XML document found in a body by SplitDocuments.
type Document struct {
	Index  int    // 0-based position in the body
	Offset int    // byte offset of its first byte in the body
	Line   int    // line of its first byte in the body
	Data   []byte // the document (a sub-slice of the body)
	Err    error  // a *ParseError (lines relative to the body) when the document is not well-formed
}

// SplitDocuments cuts a body holding one or more concatenated XML documents (each optionally
// starting with a byte-order mark and an XML declaration, separated by white space) into
// documents. A document that is not well-formed is returned with Err set; splitting resumes at
// the next XML declaration, so one broken document does not hide the next ones.
func SplitDocuments(body []byte) []Document {
	var docs []Document
	pos, line, counted := 0, 1, 0
	for {
		pos = skipSpace(body, pos)
		if pos >= len(body) {
			return docs
		}
		line += bytes.Count(body[counted:pos], []byte{'\n'})
		counted = pos
		doc := Document{Index: len(docs), Offset: pos, Line: line}
		end, err := documentEnd(body[pos:])
		if err != nil && end == 0 {
			// Resume at the next XML declaration, if any.
			next := bytes.Index(body[pos+1:], []byte("<?xml"))
			if next < 0 {
				end = len(body) - pos
			} else {
				end = next + 1
			}
		}
		if err != nil {
			if pe, ok := err.(*ParseError); ok && pe.Line > 0 {
				pe.Line += doc.Line - 1
			}
			doc.Err = err
		}
		doc.Data = body[pos : pos+end]
		docs = append(docs, doc)
		pos += end
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) {
		switch {
		case b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n':
			i++
		case bytes.HasPrefix(b[i:], []byte("\ufeff")):
			i += 3
		default:
			return i
		}
	}
	return i
}

// documentEnd returns the length of the document at the start of b: up to the end of its root
// element (trailing comments and white space belong to the next document's gap). When the
// document is broken it returns an error and, when an XML declaration follows the document's
// start (outside comments and CDATA), the length up to that declaration: reading stops there,
// so a body of many broken documents is read in linear time.
func documentEnd(b []byte) (int, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth, seenRoot := 0, false
	var names []string
	for {
		before := d.InputOffset()
		tok, err := d.Token()
		if pi, ok := tok.(xml.ProcInst); ok && err == nil && pi.Target == "xml" && before > 0 {
			// A declaration only starts a document: this one ends before it, unfinished.
			line, _ := d.InputPos()
			pe := &ParseError{Line: line, Msg: "malformed XML: no root element before the next XML declaration"}
			if len(names) > 0 {
				pe.Element = names[len(names)-1]
				pe.Msg = "malformed XML: the root element is not closed before the next XML declaration"
			}
			return int(before), pe
		}
		if err != nil {
			line, _ := d.InputPos()
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				line = se.Line
			}
			if err == io.EOF {
				err = errors.New("unexpected end of input: the root element is not closed")
				if !seenRoot {
					err = errors.New("no root element")
				}
			}
			el := ""
			if len(names) > 0 {
				el = names[len(names)-1]
			}
			return 0, &ParseError{Element: el, Line: line, Msg: "malformed XML: " + strings.TrimPrefix(err.Error(), fmt.Sprintf("XML syntax error on line %d: ", line))}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			seenRoot = true
			names = append(names, t.Name.Local)
		case xml.EndElement:
			depth--
			names = names[:len(names)-1]
			if depth == 0 {
				return int(d.InputOffset()), nil
			}
		}
	}
}

// DocumentResult is the outcome of one document of a ParseReceiptStream body.
type DocumentResult struct {
	Index    int    // 0-based position in the body
	Line     int    // line of the document's first byte in the body
	Message  string // root element, when it could be read ("CEB604Message")
	Receipts []Receipt
	Err      error // *ParseError, lines relative to the body
}

// ParseReceiptStream reads a body holding one or more receipt documents (as the HTTP endpoint
// accepts them) and parses each with ParseReceipts. One bad document does not sink the others:
// each gets its own DocumentResult. The error is non-nil only when the body holds no document.
func ParseReceiptStream(body []byte) ([]DocumentResult, error) {
	docs := SplitDocuments(body)
	if len(docs) == 0 {
		return nil, &ParseError{Line: 1, Msg: "empty body: no XML document"}
	}
	out := make([]DocumentResult, len(docs))
	for i, d := range docs {
		r := DocumentResult{Index: d.Index, Line: d.Line, Err: d.Err}
		if r.Err == nil {
			r.Receipts, r.Err = ParseReceipts(d.Data)
			if pe, ok := r.Err.(*ParseError); ok && pe.Line > 0 {
				pe.Line += d.Line - 1
			}
		}
		r.Message = rootOf(d.Data)
		out[i] = r
	}
	return out, nil
}

// rootOf returns the local name of the first element of data, or "".
func rootOf(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Normalization of each receipt kind.

func base(kind, msgGUID string, block int, guid string, rr ReturnResult) Receipt {
	t, _ := ParseReturnTime(strings.TrimSpace(rr.ReturnTime))
	return Receipt{
		Message: kind, MessageGUID: strings.TrimSpace(msgGUID), Block: block,
		GUID:         strings.TrimSpace(guid),
		ReturnStatus: strings.TrimSpace(rr.ReturnStatus),
		ReturnTime:   t,
		ReturnInfo:   strings.TrimSpace(rr.ReturnInfo),
	}
}

var trim = strings.TrimSpace

func (m *CEB304Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.OrderReturns))
	for i, b := range m.OrderReturns {
		r := base("CEB304", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.EbpCode, r.EbcCode, r.OrderNo = trim(b.EbpCode), trim(b.EbcCode), trim(b.OrderNo)
		out = append(out, r)
	}
	return out
}

func (m *CEB404Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.ReceiptsReturns))
	for i, b := range m.ReceiptsReturns {
		r := base("CEB404", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.EbcCode, r.OrderNo, r.PayNo = trim(b.EbcCode), trim(b.OrderNo), trim(b.PayNo)
		out = append(out, r)
	}
	return out
}

func (m *CEB506Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.LogisticsReturns))
	for i, b := range m.LogisticsReturns {
		r := base("CEB506", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.LogisticsCode, r.LogisticsNo = trim(b.LogisticsCode), trim(b.LogisticsNo)
		out = append(out, r)
	}
	return out
}

func (m *CEB508Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.ArrivalReturns))
	for i, b := range m.ArrivalReturns {
		r := base("CEB508", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.OperatorCode, r.LogisticsCode, r.PreNo = trim(b.OperatorCode), trim(b.LogisticsCode), trim(b.PreNo)
		r.CopNo, r.BillNo, r.MsgSeqNo = trim(b.CopNo), trim(b.BillNo), b.MsgSeqNo
		out = append(out, r)
	}
	return out
}

func (m *CEB510Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.DepartureReturns))
	for i, b := range m.DepartureReturns {
		r := base("CEB510", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.LogisticsCode, r.CopNo, r.PreNo, r.MsgSeqNo = trim(b.LogisticsCode), trim(b.CopNo), trim(b.PreNo), b.MsgSeqNo
		out = append(out, r)
	}
	return out
}

func (m *CEB604Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.InventoryReturns))
	for i, b := range m.InventoryReturns {
		r := base("CEB604", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.AgentCode, r.CopNo, r.PreNo, r.InvtNo = trim(b.AgentCode), trim(b.CopNo), trim(b.PreNo), trim(b.InvtNo)
		r.EbcCode, r.EbpCode, r.OrderNo, r.StatisticsFlag = trim(b.EbcCode), trim(b.EbpCode), trim(b.OrderNo), trim(b.StatisticsFlag)
		out = append(out, r)
	}
	return out
}

func (m *CEB606Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.InvtCancelReturns))
	for i, b := range m.InvtCancelReturns {
		r := base("CEB606", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.AgentCode, r.CopNo, r.PreNo, r.InvtNo = trim(b.AgentCode), trim(b.CopNo), trim(b.PreNo), trim(b.InvtNo)
		out = append(out, r)
	}
	return out
}

func (m *CEB608Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.WayBillReturns))
	for i, b := range m.WayBillReturns {
		r := base("CEB608", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.AgentCode, r.LogisticsCode, r.CopNo, r.PreNo = trim(b.AgentCode), trim(b.LogisticsCode), trim(b.CopNo), trim(b.PreNo)
		r.BillNo, r.MsgSeqNo = trim(b.BillNo), b.MsgSeqNo
		out = append(out, r)
	}
	return out
}

func (m *CEB702Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.SummaryReturns))
	for i, b := range m.SummaryReturns {
		r := base("CEB702", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.AgentCode, r.EbcCode, r.CopNo, r.PreNo = trim(b.AgentCode), trim(b.EbcCode), trim(b.CopNo), trim(b.PreNo)
		r.SumNo, r.MsgSeqNo = trim(b.SumNo), b.MsgSeqNo
		out = append(out, r)
	}
	return out
}

func (m *CEB792Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.SummaryResults))
	for i, b := range m.SummaryResults {
		h := b.Head
		r := base("CEB792", m.GUID, i+1, h.GUID, ReturnResult{ReturnTime: h.OpDate, ReturnInfo: h.Note})
		r.CustomsCode, r.SumNo, r.DeclSeqNo, r.EntryID = trim(h.CustomsCode), trim(h.SumNo), trim(h.DeclSeqNo), trim(h.EntryID)
		r.DecState, r.DecTmpNo, r.AgentCode, r.EbcCode = trim(h.DecState), trim(h.DecTmpNo), trim(h.AgentCode), trim(h.EbcCode)
		r.GrossWeight, r.NetWeight, r.MsgSeqNo = Decimal(trim(string(h.GrossWeight))), Decimal(trim(string(h.NetWeight))), h.MsgSeqNo
		for _, l := range b.Lists {
			r.Lines = append(r.Lines, SummaryResultList{InvtNo: trim(l.InvtNo), LogisticsNo: trim(l.LogisticsNo), GSeqNo: l.GSeqNo, GNum: l.GNum, GCode: trim(l.GCode)})
		}
		out = append(out, r)
	}
	return out
}

func (m *CEB900Message) Receipts() []Receipt {
	out := make([]Receipt, 0, len(m.MessageReturns))
	for i, b := range m.MessageReturns {
		r := base("CEB900", m.GUID, i+1, b.GUID, b.ReturnResult)
		r.OriMessageType, r.OriCopMsgID = trim(b.OriMessageType), trim(b.OriCopMsgID)
		out = append(out, r)
	}
	return out
}

func (m *CEB304Message) timeFields() (p []*string) {
	for i := range m.OrderReturns {
		p = append(p, &m.OrderReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB404Message) timeFields() (p []*string) {
	for i := range m.ReceiptsReturns {
		p = append(p, &m.ReceiptsReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB506Message) timeFields() (p []*string) {
	for i := range m.LogisticsReturns {
		p = append(p, &m.LogisticsReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB508Message) timeFields() (p []*string) {
	for i := range m.ArrivalReturns {
		p = append(p, &m.ArrivalReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB510Message) timeFields() (p []*string) {
	for i := range m.DepartureReturns {
		p = append(p, &m.DepartureReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB604Message) timeFields() (p []*string) {
	for i := range m.InventoryReturns {
		p = append(p, &m.InventoryReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB606Message) timeFields() (p []*string) {
	for i := range m.InvtCancelReturns {
		p = append(p, &m.InvtCancelReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB608Message) timeFields() (p []*string) {
	for i := range m.WayBillReturns {
		p = append(p, &m.WayBillReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB702Message) timeFields() (p []*string) {
	for i := range m.SummaryReturns {
		p = append(p, &m.SummaryReturns[i].ReturnTime)
	}
	return p
}
func (m *CEB792Message) timeFields() (p []*string) {
	for i := range m.SummaryResults {
		p = append(p, &m.SummaryResults[i].Head.OpDate)
	}
	return p
}
func (m *CEB900Message) timeFields() (p []*string) {
	for i := range m.MessageReturns {
		p = append(p, &m.MessageReturns[i].ReturnTime)
	}
	return p
}
