// Package customs models Silkgate's customs filings and customs' answers to them.
//
// A Declaration is one filing of one Kind:
//
//   - inventory: the export inventory list (申报清单, CEB603) of one 9610 / 1210 parcel — a
//     snapshot of the parcel's fields plus the filing parties (NewInventory);
//   - cancel: the cancellation of an accepted or released inventory list (CEB605, NewCancel);
//     when customs approves it (CancelApproved) the app calls CancelledBy on the target;
//   - summary: the monthly summary application (汇总申报, CEB701) of released statisticsFlag-B
//     lists, grouped by GroupForSummary (NewSummary); its result (CEB792) names the customs
//     declarations it produced (EntryIDs, SummaryResult);
//   - entry: a full customs declaration (报关单) for 9710 / 9810 / 0110 (NewEntry,
//     ValidateEntry);
//   - departure: the departure document (离境单, CEB509) of one exporter's 9610 / 1210 parcels
//     that left on one conveyance — a freight train (NewDeparture, ValidateDeparture). Its
//     message has one head per logistics enterprise (Departure.Heads); see "Departure
//     documents" below;
//   - order, payment, waybill: the three documents (三单) customs matches a list against — the
//     platform's order (CEB303), the payment receipt (CEB403), the carrier's waybill (CEB505)
//     — each a snapshot of its parcel and the registered firms it names (NewDocument); on file
//     (DocumentMatched) from 120 (399 for a waybill) on;
//   - arrival: the arrival at the supervised site (运抵单, CEB507) of one carrier's parcels
//     (NewArrival), on file (ArrivalOnFile) from 120 on.
//
// A summary's result (CEB792) stands for the state of the declaration customs generated from it
// (SummaryResultStatus): staged under a temporary number (decTmpNo) at first, then the
// declaration system's channel letters; the summary is cleared only when decState says R.
// NewGeneratedEntry drafts that declaration for the broker to declare.
//
// Life of a declaration: drafted (editable), Submit (the app built the message through the
// Single Window adapter and handed it to the gateway: guid, copNo and the exact bytes are
// kept), then customs' receipts (ApplyReceipt) drive it. The aggregate records who files
// (FilerID) and for whom (ExporterID); whether the filer may is decided in the app.
//
// # Receipts
//
// Customs answers asynchronously, several receipts per filing, sometimes twice, sometimes out
// of order. A declaration keeps every receipt it is given (sorted by returnTime), never applies
// one twice (Receipt.Key identifies it: guid, returnStatus, returnTime), never moves backwards,
// and keeps the numbers customs assigned (preNo, invtNo, entryId, sumNo) from the first receipt
// that carried them.
//
// # Precedence
//
// A receipt moves the status only when the status it stands for outranks the current one
// (CanMove), and nothing leaves a final status. The rank order, lowest first:
//
//	draft < submitted < staged (1) < declaring (2) < send_failed (4) < sent (3) < error (<0)
//	  < accepted (120) < manual_review (300) < review_finished (399) < inspection (500)
//	  < rejected (100) < released (800) < cleared (899) < cancelled
//
// What this means:
//
//   - The customs path 120 → 300 → 399 → 500 → 800 → 899 is in rank order, so a late
//     receipt of an earlier step (a 120 after the 800) is kept but Recorded only, and any
//     arrival order of one real path ends in the same status: the path's last step.
//   - Rejected (100) is final. It outranks every step before release, so a
//     rejection after acceptance, review or inspection — customs re-examining — is honoured;
//     after release (800) or clearance (899) it is recorded only. Conversely nothing moves a
//     rejected filing: a 120 (or an 800) arriving after a 100 of the same guid is recorded only.
//     A rejected filing stays rejected; the content is filed again as a new declaration.
//   - send_failed (4) and error (negative) are failures before customs took the filing: the
//     declaration becomes Resubmittable. They outrank E-Port's earlier steps (1, 2; and 3 for an
//     error, which customs' processing may report after E-Port sent the message), but customs'
//     own word outranks them: a 120 (or later) for the same guid means customs has the filing,
//     and the declaration moves on rather than invite a second filing of the same goods.
//   - Receipts of an earlier filing (a guid given up by a resubmission) are kept and Recorded
//     only, as are receipts with an unknown return status (flagged: EventReceiptUnknown) —
//     among them the import-only codes 501–599 and 700, which an export filing never gets.
//   - Cancelled is reached only through CancelledBy (and, for an entry declaration, channel
//     status D), from accepted .. released.
//
// The price of a simple total order: two receipts that contradict each other for one guid (a
// 100 and an 800, a 4 and a 120) end differently depending on which came first. That cannot
// happen on a real path; when it does, both receipts are kept for a person to judge.
//
// # Departure documents
//
// A departure document's message carries one head per logistics enterprise, each under its
// own guid: the first head the filing's guid, the others guids derived from it
// (DepartureHeadGUID; copNos likewise, DepartureHeadCopNo). GUIDs lists them all, so that a
// store mapping every guid of GUIDs to the declaration finds it from any head's receipt
// (CEB510), and HeadGUIDs lists the current filing's. With several heads the document moves
// as its heads together: each head's status is folded from its own receipts, a failure of any
// head (rejected, error, send_failed) is the document's, and otherwise the document
// stands where its slowest head stands — "accepted" means every head was accepted. preNo is the
// first head's; customs gives a departure no other number, so there is no invtNo to take.
//
// 120 (accepted) is the last answer a departure document gets on the normal path. It stays
// accepted: not Final, so that a later 100 (customs re-examining) is still honoured by the
// precedence above as for any kind, and not Released (nothing was released: the parcels had
// been released through their inventory lists and left). AwaitingCustoms tells that no further
// answer is due, so that the reconciler need not send an accepted departure again. A departure
// document drives no parcel (ParcelStatus is false) and cannot be cancelled.
//
// Final (rejected, cleared, cancelled) is where nothing changes any more. Released is
// not final for any kind — an inventory list may still be cancelled before departure and
// customs closes it with 899 after departure — but it is where the clearance story of a parcel
// ends (Released) and what the summary takes.
//
// Every status change appends a timeline entry and a domain.Event to the outbox ("declaration."
// + status, aggregate "declaration"), written by the store in the same single-document update
// as the change, as for parcels. FromDatabase rebuilds a stored declaration without checking it.
package customs
