package customs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

func TestCanBeCancelled(t *testing.T) {
	yes := []customs.Status{customs.StatusAccepted, customs.StatusManualReview, customs.StatusReviewFinished, customs.StatusReleased}
	for _, s := range customs.Statuses() {
		d := inStatus(t, s)
		if got := d.CanBeCancelled(); got != slices.Contains(yes, s) {
			t.Errorf("%s: CanBeCancelled = %v", s, got)
		}
		_, err := customs.NewCancel("dec-c", "org-broker-1", d, "客户取消订单", at(9), "b")
		if slices.Contains(yes, s) {
			if err != nil {
				t.Errorf("%s: NewCancel: %v", s, err)
			}
		} else {
			wantErr(t, "NewCancel of a "+string(s)+" list", err, domain.KindFailedPrecondition, "not_cancellable")
		}
	}
	// accepted but customs gave no invtNo yet: CEB605 needs one
	d := submitted(t)
	if _, err := d.ApplyReceipt(rcpt("120", 0), at(3)); err != nil {
		t.Fatal(err)
	}
	if d.CanBeCancelled() {
		t.Error("cancellable without an invtNo")
	}
	_, err := customs.NewCancel("dec-c", "b", d, "x", at(9), "b")
	if err == nil || !strings.Contains(err.Error(), "invtNo") {
		t.Errorf("no invtNo: %v", err)
	}
	// only inventory lists
	e, _ := customs.NewEntry("dec-e", "b", "e", validEntryDraft(), at(0), "b")
	if e.CanBeCancelled() {
		t.Error("an entry is cancellable")
	}
	wantErr(t, "cancel an entry", second(customs.NewCancel("dec-c", "b", e, "x", at(9), "b")), domain.KindFailedPrecondition, "not_cancellable")
	wantErr(t, "cancel nothing", second(customs.NewCancel("dec-c", "b", nil, "x", at(9), "b")), domain.KindFailedPrecondition, "not_cancellable")
	// the reason
	target := inStatus(t, customs.StatusAccepted)
	for _, r := range []string{"", "  ", strings.Repeat("因", 1001)} {
		if _, err := customs.NewCancel("dec-c", "b", target, r, at(9), "b"); domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("reason %q: %v", r[:min(len(r), 6)], err)
		}
	}
	if _, err := customs.NewCancel("dec-c", "b", target, strings.Repeat("因", 1000), at(9), "b"); err != nil {
		t.Errorf("1000 runes: %v", err)
	}
}

func TestCancelFlow(t *testing.T) {
	target := inStatus(t, customs.StatusReleased)
	c, err := customs.NewCancel("dec-c", "org-broker-1", target, " 买家取消订单 ", at(10), "org-broker-1")
	if err != nil {
		t.Fatal(err)
	}
	content, ok := c.Cancellation()
	if !ok || content.TargetID != "dec-1" || content.TargetGUID != guid1 || content.TargetCopNo != "SG202611030900000001" ||
		content.TargetPreNo != preNo1 || content.InvtNo != invtNo1 || content.CustomsCode != "4700" ||
		content.AgentCode != brokerCode || content.EbcCode != exporterCode || content.Reason != "买家取消订单" {
		t.Errorf("content %+v", content)
	}
	if c.Kind() != customs.KindCancel || c.ExporterID() != "org-exporter-1" || c.TradeMode() != "9610" || c.InvtNo() != invtNo1 {
		t.Errorf("cancel %s %s %s %s", c.Kind(), c.ExporterID(), c.TradeMode(), c.InvtNo())
	}
	if _, ok := c.ParcelStatus(); ok {
		t.Error("a cancellation drives a parcel")
	}
	// edit the reason while a draft
	if err := c.EditCancelReason("订单取消", at(11), "b"); err != nil {
		t.Fatal(err)
	}
	if err := c.EditCancelReason("订单取消", at(11), "b"); err != nil || len(c.Timeline()) != 2 {
		t.Errorf("identical reason: %v, %d entries", err, len(c.Timeline()))
	}
	if err := c.EditCancelReason("", at(11), "b"); !hasFieldCode(err, "reason", "required") {
		t.Errorf("empty reason: %v", err)
	}
	if err := c.Submit(guid2, "SGC0001", []byte("<CEB605Message/>"), at(12)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "edit after submit", c.EditCancelReason("x", at(13), "b"), domain.KindFailedPrecondition, "declaration_locked")

	// CEB606 receipts: a CEB604 is refused; 2 and 120 do not approve the cancellation yet
	r606 := func(code string, n int) customs.Receipt {
		r := rcpt(code, n)
		r.Message, r.GUID, r.InvtNo = customs.MessageCancelReceipt, guid2, invtNo1
		return r
	}
	bad := r606("2", 0)
	bad.Message = "CEB604"
	if _, err := c.ApplyReceipt(bad, at(13)); !hasFieldCode(err, "message", "unexpected_message") {
		t.Errorf("CEB604 for a cancellation: %v", err)
	}
	for i, code := range []string{"2", "120"} {
		if out, err := c.ApplyReceipt(r606(code, i), at(13+i)); err != nil || out != customs.Applied {
			t.Fatalf("%s: %v %v", code, out, err)
		}
		if c.CancelApproved() {
			t.Errorf("approved at %s", code)
		}
	}
	// a CEB606 naming another list is kept and flagged
	other := r606("300", 5)
	other.InvtNo = "47002026E000000999"
	if _, err := c.ApplyReceipt(other, at(16)); err != nil {
		t.Fatal(err)
	}
	if rs := c.Receipts(); !slices.Equal(rs[len(rs)-1].Conflicts, []string{"invtNo"}) || c.InvtNo() != invtNo1 {
		t.Errorf("conflict %+v", rs[len(rs)-1])
	}
	// 399: approved
	if _, err := c.ApplyReceipt(r606("399", 9), at(17)); err != nil || !c.CancelApproved() {
		t.Fatalf("399: %v approved %v", err, c.CancelApproved())
	}

	if target.CancelApproved() {
		t.Error("an inventory list reports a cancellation approval")
	}
	// the app cancels the target
	if err := target.CancelledBy(c.ID(), at(18)); err != nil {
		t.Fatal(err)
	}
	if target.Status() != customs.StatusCancelled || !target.Final() || target.CancelledByID() != "dec-c" ||
		!target.CancelledAt().Equal(at(18)) || target.Released() || target.CanBeCancelled() {
		t.Fatalf("target %s %q", target.Status(), target.CancelledByID())
	}
	if target.ReleasedAt().IsZero() {
		t.Error("a cancelled list forgot when it was released")
	}
	ob := target.Outbox()
	if last := ob[len(ob)-1]; last.Type != "declaration.cancelled" || last.Data["cancelDeclarationId"] != "dec-c" ||
		last.Data["from"] != "released" {
		t.Errorf("cancelled event %+v", last)
	}
	if _, ok := target.ParcelStatus(); ok {
		t.Error("a cancelled list drives its parcel")
	}
	n := len(target.Outbox())
	if err := target.CancelledBy("dec-c", at(19)); err != nil || len(target.Outbox()) != n {
		t.Errorf("again: %v", err)
	}
	wantErr(t, "other cancellation", target.CancelledBy("dec-c2", at(19)), domain.KindFailedPrecondition, "already_cancelled")
	wantErr(t, "no id", target.CancelledBy(" ", at(19)), domain.KindInvalid, "required")
	// customs' late receipts about the list are kept, never applied
	if out, err := target.ApplyReceipt(numbered("899", 99), at(20)); err != nil || out != customs.Recorded ||
		target.Status() != customs.StatusCancelled {
		t.Errorf("899 after cancellation: %v %v %s", out, err, target.Status())
	}
	// CancelledBy on anything else
	wantErr(t, "CancelledBy on a cancellation", c.CancelledBy("x", at(20)), domain.KindFailedPrecondition, "wrong_kind")
	for _, s := range []customs.Status{customs.StatusDraft, customs.StatusSubmitted, customs.StatusSent,
		customs.StatusRejected, customs.StatusCleared, customs.StatusError} {
		wantErr(t, "CancelledBy on a "+string(s)+" list", inStatus(t, s).CancelledBy("x", at(20)), domain.KindFailedPrecondition, "not_cancellable")
	}
	// customs approved a cancellation of a list under inspection: customs' word
	insp := inStatus(t, customs.StatusInspection)
	if err := insp.CancelledBy("dec-c3", at(20)); err != nil || insp.Status() != customs.StatusCancelled {
		t.Errorf("inspection: %v %s", err, insp.Status())
	}
}

func TestCancelRejected(t *testing.T) {
	target := inStatus(t, customs.StatusAccepted)
	c, err := customs.NewCancel("dec-c", "b", target, "x", at(10), "b")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Submit(guid2, "SGC0001", []byte("<CEB605Message/>"), at(12)); err != nil {
		t.Fatal(err)
	}
	for i, code := range []string{"120", "100"} {
		r := rcpt(code, i)
		r.Message, r.GUID = customs.MessageCancelReceipt, guid2
		if _, err := c.ApplyReceipt(r, at(13+i)); err != nil {
			t.Fatal(err)
		}
	}
	if c.Status() != customs.StatusRejected || c.CancelApproved() || !target.CanBeCancelled() {
		t.Errorf("rejected cancellation: %s approved %v", c.Status(), c.CancelApproved())
	}
}
