package customs_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

func TestStatusForReturnCode(t *testing.T) {
	known := map[string]customs.Status{
		"1": customs.StatusStaged, "2": customs.StatusDeclaring, "3": customs.StatusSent,
		"4": customs.StatusSendFailed, "100": customs.StatusRejected, "120": customs.StatusAccepted,
		"300": customs.StatusManualReview, "399": customs.StatusReviewFinished,
		"500": customs.StatusInspection, "800": customs.StatusReleased, "899": customs.StatusCleared,
		"-1": customs.StatusError, "-2": customs.StatusError, "-301010": customs.StatusError,
		"-999999999": customs.StatusError,
	}
	for c, want := range known {
		got, err := customs.StatusForReturnCode(c)
		if err != nil || got != want {
			t.Errorf("StatusForReturnCode(%q) = %q, %v; want %q", c, got, err, want)
		}
	}
	for _, c := range customs.ReturnCodes() {
		if _, ok := known[c]; !ok {
			t.Errorf("ReturnCodes lists %q, untested", c)
		}
	}
	if want := []string{"1", "2", "3", "4", "100", "120", "300", "399", "500", "800", "899"}; !slices.Equal(customs.ReturnCodes(), want) {
		t.Errorf("ReturnCodes = %v", customs.ReturnCodes())
	}
	for _, c := range []string{"", "0", "-0", "-", "-01", "+120", "0120", " 120", "120 ", "101", "5", "900",
		"-1a", "abc", "L", "-9999999999", "1.0",
		"501", "502", "503", "599", "700"} { // the import-only codes of CEB622 are unknown to an export filing
		got, err := customs.StatusForReturnCode(c)
		if err == nil || got != "" {
			t.Errorf("StatusForReturnCode(%q) = %q, %v; want an error", c, got, err)
			continue
		}
		if domain.KindOf(err) != domain.KindInvalid || domain.CodeOf(err) != "unknown_return_status" {
			t.Errorf("StatusForReturnCode(%q) error %v", c, err)
		}
	}
}

func TestStatusForChannel(t *testing.T) {
	for c, want := range map[string]customs.Status{
		"L": customs.StatusAccepted, "E": customs.StatusRejected, "J": customs.StatusReviewFinished,
		"G": customs.StatusReviewFinished, "T": customs.StatusReviewFinished, "C": customs.StatusInspection,
		"P": customs.StatusReleased, "R": customs.StatusCleared, "D": customs.StatusCancelled,
	} {
		if got, err := customs.StatusForChannel(c); err != nil || got != want {
			t.Errorf("StatusForChannel(%q) = %q, %v; want %q", c, got, err, want)
		}
	}
	for _, c := range []string{"", "A", "l", "120", "LL"} {
		if _, err := customs.StatusForChannel(c); domain.CodeOf(err) != "unknown_return_status" {
			t.Errorf("StatusForChannel(%q) error %v", c, err)
		}
	}
}

func TestStatusesAndRank(t *testing.T) {
	all := customs.Statuses()
	if len(all) != 15 {
		t.Fatalf("Statuses = %v", all)
	}
	for i, s := range all {
		if !s.Valid() || s.Rank() != i {
			t.Errorf("%s: valid %v rank %d, want rank %d", s, s.Valid(), s.Rank(), i)
		}
	}
	if customs.Status("nope").Valid() || customs.Status("nope").Rank() != -1 {
		t.Error("unknown status is valid")
	}
	final := []customs.Status{customs.StatusRejected, customs.StatusCleared, customs.StatusCancelled}
	resub := []customs.Status{customs.StatusSendFailed, customs.StatusError}
	for _, s := range all {
		if s.Final() != slices.Contains(final, s) {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
		if s.Resubmittable() != slices.Contains(resub, s) {
			t.Errorf("%s.Resubmittable() = %v", s, s.Resubmittable())
		}
		if s.Editable() != (s == customs.StatusDraft) {
			t.Errorf("%s.Editable() = %v", s, s.Editable())
		}
	}
}

// TestCanMoveExhaustive checks every (from, to) pair against the rule written out
// independently: the rank order as a list, the final set, and the cancellation window.
func TestCanMoveExhaustive(t *testing.T) {
	order := []customs.Status{
		customs.StatusSubmitted, customs.StatusStaged, customs.StatusDeclaring, customs.StatusSendFailed,
		customs.StatusSent, customs.StatusError, customs.StatusAccepted, customs.StatusManualReview,
		customs.StatusReviewFinished, customs.StatusInspection,
		customs.StatusRejected, customs.StatusReleased, customs.StatusCleared,
	}
	final := map[customs.Status]bool{customs.StatusRejected: true,
		customs.StatusCleared: true, customs.StatusCancelled: true}
	cancelFrom := map[customs.Status]bool{customs.StatusAccepted: true, customs.StatusManualReview: true,
		customs.StatusReviewFinished: true, customs.StatusInspection: true,
		customs.StatusReleased: true}
	legal := 0
	for _, from := range customs.Statuses() {
		for _, to := range customs.Statuses() {
			var want bool
			switch {
			case from == customs.StatusDraft || to == customs.StatusDraft || to == customs.StatusSubmitted:
			case final[from] || from == to:
			case to == customs.StatusCancelled:
				want = cancelFrom[from]
			default:
				want = slices.Index(order, to) > slices.Index(order, from)
			}
			if got := customs.CanMove(from, to); got != want {
				t.Errorf("CanMove(%s, %s) = %v, want %v", from, to, got, want)
			}
			if want {
				legal++
			}
		}
	}
	if legal == 0 {
		t.Fatal("no legal move")
	}
	if customs.CanMove("nope", customs.StatusAccepted) || customs.CanMove(customs.StatusAccepted, "nope") {
		t.Error("unknown statuses move")
	}
}

// TestPrecedenceDecisions names the decisions the package comment documents.
func TestPrecedenceDecisions(t *testing.T) {
	cases := []struct {
		from, to customs.Status
		want     bool
		why      string
	}{
		{customs.StatusReleased, customs.StatusAccepted, false, "a late 120 after 800 never moves back"},
		{customs.StatusReleased, customs.StatusInspection, false, "800 outranks 500"},
		{customs.StatusReleased, customs.StatusManualReview, false, "800 outranks 300"},
		{customs.StatusReleased, customs.StatusCleared, true, "899 outranks 800"},
		{customs.StatusAccepted, customs.StatusRejected, true, "a rejection after acceptance is honoured"},
		{customs.StatusInspection, customs.StatusRejected, true, "a rejection after inspection is honoured"},
		{customs.StatusReleased, customs.StatusRejected, false, "a rejection after release is recorded only"},
		{customs.StatusCleared, customs.StatusRejected, false, "a rejection after clearance is recorded only"},
		{customs.StatusRejected, customs.StatusAccepted, false, "a 120 after a 100 is recorded only"},
		{customs.StatusRejected, customs.StatusReleased, false, "a rejected filing stays rejected"},
		{customs.StatusSendFailed, customs.StatusAccepted, true, "customs' 120 outranks a send failure"},
		{customs.StatusDeclaring, customs.StatusSendFailed, true, "4 after 2"},
		{customs.StatusSent, customs.StatusSendFailed, false, "4 after 3 is recorded only"},
		{customs.StatusSent, customs.StatusError, true, "an error after 3 is honoured"},
		{customs.StatusAccepted, customs.StatusError, false, "an error after 120 is recorded only"},
		{customs.StatusError, customs.StatusAccepted, true, "customs' 120 outranks an error"},
		{customs.StatusInspection, customs.StatusReleased, true, "800 outranks 500"},
		{customs.StatusSubmitted, customs.StatusCleared, true, "a lone 899 moves a submitted filing"},
		{customs.StatusCleared, customs.StatusCancelled, false, "a cleared list left: no cancellation"},
		{customs.StatusReleased, customs.StatusCancelled, true, "a released list may be cancelled"},
		{customs.StatusSent, customs.StatusCancelled, false, "customs does not have it yet"},
	}
	for _, c := range cases {
		if got := customs.CanMove(c.from, c.to); got != c.want {
			t.Errorf("CanMove(%s, %s) = %v, want %v: %s", c.from, c.to, got, c.want, c.why)
		}
	}
}

func TestParcelStatusFor(t *testing.T) {
	want := map[customs.Status]parcel.Status{
		customs.StatusSubmitted: parcel.StatusDeclared, customs.StatusStaged: parcel.StatusDeclared,
		customs.StatusDeclaring: parcel.StatusDeclared, customs.StatusSent: parcel.StatusDeclared,
		customs.StatusAccepted: parcel.StatusAccepted, customs.StatusManualReview: parcel.StatusAccepted,
		customs.StatusReviewFinished: parcel.StatusAccepted, customs.StatusInspection: parcel.StatusInspection,
		customs.StatusReleased: parcel.StatusReleased,
		customs.StatusCleared:  parcel.StatusReleased, customs.StatusRejected: parcel.StatusRejected,
		customs.StatusSendFailed: parcel.StatusRejected,
		customs.StatusError:      parcel.StatusRejected,
	}
	for _, s := range customs.Statuses() {
		got, ok := customs.ParcelStatusFor(s)
		w, wantOK := want[s]
		if ok != wantOK || got != w {
			t.Errorf("ParcelStatusFor(%s) = %q, %v; want %q, %v", s, got, ok, w, wantOK)
		}
		if ok && !got.Valid() {
			t.Errorf("ParcelStatusFor(%s) = %q, not a parcel status", s, got)
		}
	}
	// Along every forward move the parcel follows a legal parcel transition (or stays put), so
	// the app can drive the parcel with whatever receipt arrives.
	for _, from := range customs.Statuses() {
		for _, to := range customs.Statuses() {
			if !customs.CanMove(from, to) {
				continue
			}
			pf, okf := customs.ParcelStatusFor(from)
			pt, okt := customs.ParcelStatusFor(to)
			if !okf || !okt || pf == pt {
				continue
			}
			if pf == parcel.StatusRejected {
				// customs' word after a send failure or error: the app declares the parcel
				// again under the same declaration and then follows customs.
				continue
			}
			if !parcel.CanTransition(pf, pt) {
				t.Errorf("declaration %s → %s drives parcel %s → %s, illegal in domain/parcel", from, to, pf, pt)
			}
		}
	}
}

func TestEventType(t *testing.T) {
	if customs.EventType(customs.StatusAccepted) != "declaration.accepted" ||
		customs.EventType(customs.StatusSendFailed) != "declaration.send_failed" {
		t.Error(customs.EventType(customs.StatusAccepted))
	}
}

// TestReturnCodeMeanings: the export receipt codes carry the specification's Chinese meanings,
// a negative code is a processing error, and an import-only code has no meaning for an export
// filing.
func TestReturnCodeMeanings(t *testing.T) {
	want := map[string]string{
		"1": "电子口岸已暂存", "2": "电子口岸申报中", "3": "发送海关成功", "4": "发送海关失败",
		"100": "海关退单", "120": "海关入库", "300": "人工审核", "399": "海关审结", "500": "海关查验",
		"800": "放行", "899": "结关", "-301010": "处理异常",
	}
	for c, zh := range want {
		if m := customs.ReturnCodeMeaning(c); !strings.HasPrefix(m, zh+" ") {
			t.Errorf("ReturnCodeMeaning(%q) = %q, want it to start with %q", c, m, zh)
		}
	}
	for _, c := range customs.ReturnCodes() {
		if _, ok := want[c]; !ok {
			t.Errorf("code %q has no tested meaning", c)
		}
	}
	for _, c := range []string{"501", "502", "503", "599", "700", "0", ""} {
		if m := customs.ReturnCodeMeaning(c); m != "" {
			t.Errorf("ReturnCodeMeaning(%q) = %q, want none", c, m)
		}
	}
}

// TestImportOnlyCodeKept: a 700 (an import return) reaching an export list is kept, flagged as
// unknown and moves nothing; the list goes on to release.
func TestImportOnlyCodeKept(t *testing.T) {
	d := submitted(t)
	for i, c := range []string{"2", "3", "120"} {
		if _, err := d.ApplyReceipt(numbered(c, i), at(10+i)); err != nil {
			t.Fatal(err)
		}
	}
	out, err := d.ApplyReceipt(numbered("700", 3), at(13))
	if err != nil {
		t.Fatal(err)
	}
	if out == customs.Applied || d.Status() != customs.StatusAccepted || len(d.Receipts()) != 4 {
		t.Fatalf("700 on an export list: outcome %s, status %s, %d receipts", out, d.Status(), len(d.Receipts()))
	}
	if _, err := d.ApplyReceipt(numbered("800", 4), at(14)); err != nil || d.Status() != customs.StatusReleased {
		t.Fatalf("800 after an unknown code: %v, %s", err, d.Status())
	}
}
