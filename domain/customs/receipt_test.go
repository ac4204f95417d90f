package customs_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

func TestNewInventoryDraft(t *testing.T) {
	d := newInventory(t)
	if d.ID() != "dec-1" || d.Kind() != customs.KindInventory || d.Status() != customs.StatusDraft ||
		d.TradeMode() != "9610" || d.FilerID() != "org-broker-1" || d.ExporterID() != "org-exporter-1" ||
		d.ParcelID() != "pcl-1" || !d.Editable() || d.Final() || d.GUID() != "" || d.GUIDs() != nil {
		t.Fatalf("new inventory: %+v", d.Snapshot())
	}
	if !d.CreatedAt().Equal(at(0)) || d.CreatedAt().Location() != time.UTC {
		t.Errorf("createdAt %v", d.CreatedAt())
	}
	inv, ok := d.Inventory()
	if !ok || inv.StatisticsFlag != "B" || inv.TrafMode != "3" || inv.Parties.OwnerCode != exporterCode ||
		inv.Parties.EbpCode != platformCode || inv.Parcel.LogisticsNo != "XY2026110300001" {
		t.Errorf("inventory content %+v", inv)
	}
	if _, ok := d.Entry(); ok {
		t.Error("an inventory list has an entry")
	}
	if _, ok := d.Summary(); ok {
		t.Error("an inventory list has a summary")
	}
	if _, ok := d.Cancellation(); ok {
		t.Error("an inventory list has a cancellation")
	}
	ob := d.Outbox()
	if len(ob) != 1 || ob[0].Type != customs.EventCreated || ob[0].Aggregate != "declaration" ||
		ob[0].SubjectID != "dec-1" || ob[0].ID != "declaration:dec-1:1:0" || ob[0].Data["parcelId"] != "pcl-1" ||
		ob[0].Data["kind"] != "inventory" || ob[0].Data["status"] != "draft" {
		t.Errorf("outbox %+v", ob)
	}
	if _, err := customs.NewInventory("", inventoryInput(t), at(0), "x"); domain.KindOf(err) != domain.KindInternal {
		t.Errorf("no id: %v", err)
	}
	in := inventoryInput(t)
	in.FilerID = ""
	if _, err := customs.NewInventory("dec-1", in, at(0), "x"); domain.KindOf(err) != domain.KindInternal {
		t.Errorf("no filer: %v", err)
	}
	// an inventory is a copy: changing it does not change the declaration
	inv.Parcel.Items[0].Gname = "changed"
	if again, _ := d.Inventory(); again.Parcel.Items[0].Gname == "changed" {
		t.Error("Inventory() shares items")
	}
}

func TestSubmit(t *testing.T) {
	d := newInventory(t)
	msg := []byte("<CEB603Message/>")
	if err := d.Submit(guid1, "SG202611030900000001", msg, at(1)); err != nil {
		t.Fatal(err)
	}
	msg[1] = 'X' // the declaration keeps its own copy
	if d.Status() != customs.StatusSubmitted || d.GUID() != guid1 || d.CopNo() != "SG202611030900000001" ||
		string(d.Message()) != "<CEB603Message/>" || !d.SubmittedAt().Equal(at(1)) || d.Editable() {
		t.Fatalf("after submit: %s %s %s %q %v", d.Status(), d.GUID(), d.CopNo(), d.Message(), d.SubmittedAt())
	}
	tl, ob := types(d)
	if !slices.Equal(tl, []string{customs.EventCreated, customs.EventSubmitted}) || !slices.Equal(ob, tl) {
		t.Errorf("timeline %v outbox %v", tl, ob)
	}
	if e := d.Outbox()[1]; e.Data["guid"] != guid1 || e.Data["from"] != "draft" || e.Data["copNo"] != "SG202611030900000001" ||
		e.Data["actor"] != "org-broker-1" {
		t.Errorf("submitted event %+v", e)
	}

	// the same guid again: harmless, nothing changes
	before := d.Snapshot()
	if err := d.Submit(guid1, "OTHER", []byte("x"), at(9)); err != nil {
		t.Errorf("same guid again: %v", err)
	}
	if !reflect.DeepEqual(before, d.Snapshot()) || len(d.Outbox()) != 2 {
		t.Error("submitting the same guid again changed the declaration")
	}
	// another guid while submitted
	wantErr(t, "other guid", d.Submit(guid2, "SG2", []byte("x"), at(9)), domain.KindFailedPrecondition, "already_submitted")
	// another guid once accepted
	if _, err := d.ApplyReceipt(numbered("120", 0), at(3)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "other guid when accepted", d.Submit(guid2, "SG2", []byte("x"), at(9)), domain.KindFailedPrecondition, "already_submitted")

	// bad input: every problem at once
	d2 := newInventory(t)
	err := d2.Submit(strings.ToLower(guid1), "bad cop no", nil, at(1))
	for _, fc := range []fieldCode{{"guid", "invalid_guid"}, {"copNo", "invalid_cop_no"}, {"message", "required"}} {
		if !hasFieldCode(err, fc.field, fc.code) {
			t.Errorf("bad submit: missing %v in %v", fc, fieldCodes(err))
		}
	}
	if d2.Status() != customs.StatusDraft {
		t.Error("a refused submit moved the draft")
	}
}

func TestEditLockedAfterSubmit(t *testing.T) {
	d := newInventory(t)
	in := inventoryInput(t)
	// identical content: no-op
	if err := d.EditInventory(in, at(1), "org-broker-1"); err != nil || len(d.Timeline()) != 1 {
		t.Fatalf("identical edit: %v, %d entries", err, len(d.Timeline()))
	}
	in.StatisticsFlag = "A"
	if err := d.EditInventory(in, at(1), "org-broker-1"); err != nil {
		t.Fatal(err)
	}
	if inv, _ := d.Inventory(); inv.StatisticsFlag != "A" || d.Timeline()[1].Type != customs.EventEdited {
		t.Errorf("edit not applied: %+v", inv)
	}
	bad := inventoryInput(t)
	bad.ParcelID, bad.ExporterID, bad.CustomsCode = "pcl-2", "org-exporter-2", "47"
	err := d.EditInventory(bad, at(1), "x")
	for _, fc := range []fieldCode{{"parcelId", "immutable"}, {"exporterId", "immutable"}, {"customsCode", "invalid_customs_district"}} {
		if !hasFieldCode(err, fc.field, fc.code) {
			t.Errorf("bad edit: missing %v in %v", fc, fieldCodes(err))
		}
	}
	wantErr(t, "EditEntry on a list", d.EditEntry(validEntryDraft(), at(1), "x"), domain.KindFailedPrecondition, "wrong_kind")
	wantErr(t, "EditCancelReason on a list", d.EditCancelReason("x", at(1), "x"), domain.KindFailedPrecondition, "wrong_kind")

	for _, s := range customs.Statuses()[1:] {
		d := inStatus(t, s)
		wantErr(t, "edit "+string(s), d.EditInventory(inventoryInput(t), at(9), "x"), domain.KindFailedPrecondition, "declaration_locked")
	}
}

func TestLifecycleToCleared(t *testing.T) {
	d := submitted(t)
	steps := []struct {
		code   string
		status customs.Status
	}{
		{"2", customs.StatusDeclaring}, {"3", customs.StatusSent}, {"120", customs.StatusAccepted},
		{"500", customs.StatusInspection}, {"800", customs.StatusReleased}, {"899", customs.StatusCleared},
	}
	for i, s := range steps {
		out, err := d.ApplyReceipt(numbered(s.code, i), at(10+i))
		if err != nil || out != customs.Applied || d.Status() != s.status {
			t.Fatalf("receipt %s: %v %v, status %s", s.code, out, err, d.Status())
		}
	}
	if d.PreNo() != preNo1 || d.InvtNo() != invtNo1 || !d.Final() || !d.Released() {
		t.Errorf("numbers %s %s final %v", d.PreNo(), d.InvtNo(), d.Final())
	}
	wantRel := at(2).Add(4 * time.Second)
	if !d.ReleasedAt().Equal(wantRel) {
		t.Errorf("releasedAt %v, want %v", d.ReleasedAt(), wantRel)
	}
	if ct, ok := d.ClearanceTime(); !ok || ct != wantRel.Sub(at(1)) {
		t.Errorf("clearance time %v %v", ct, ok)
	}
	if ps, ok := d.ParcelStatus(); !ok || ps != parcel.StatusReleased {
		t.Errorf("parcel status %s %v", ps, ok)
	}
	_, ob := types(d)
	want := []string{customs.EventCreated, customs.EventSubmitted, "declaration.declaring", "declaration.sent",
		"declaration.accepted", "declaration.inspection", "declaration.released", "declaration.cleared"}
	if !slices.Equal(ob, want) {
		t.Errorf("outbox %v", ob)
	}
	for i, e := range d.Outbox() {
		if e.ID != fmt.Sprintf("declaration:dec-1:1:%d", i) {
			t.Errorf("event %d id %s", i, e.ID)
		}
	}
	acc := d.Outbox()[4]
	if acc.Data["invtNo"] != invtNo1 || acc.Data["returnStatus"] != "120" || acc.Data["from"] != "sent" ||
		acc.Data["actor"] != customs.ActorCustoms || acc.Data["status"] != "accepted" {
		t.Errorf("accepted event %+v", acc.Data)
	}
	tl := d.Timeline()
	if last := tl[len(tl)-1]; last.Actor != customs.ActorCustoms || last.Status != customs.StatusCleared ||
		!strings.Contains(last.Detail, "CEB604 899") {
		t.Errorf("last timeline entry %+v", last)
	}
	rs := d.Receipts()
	if len(rs) != 6 {
		t.Fatalf("%d receipts", len(rs))
	}
	for _, r := range rs {
		if r.Outcome != customs.Applied || !r.Current || r.Status == "" {
			t.Errorf("receipt %+v", r)
		}
	}
	// a late receipt after a final status is kept, recorded only
	out, err := d.ApplyReceipt(numbered("120", 1), at(30))
	if err != nil || out != customs.Recorded || d.Status() != customs.StatusCleared || len(d.Receipts()) != 7 {
		t.Errorf("late 120: %v %v %s", out, err, d.Status())
	}
}

func TestDuplicateReceipt(t *testing.T) {
	d := inStatus(t, customs.StatusAccepted)
	r := numbered("800", 5)
	if out, err := d.ApplyReceipt(r, at(4)); out != customs.Applied || err != nil {
		t.Fatalf("first: %v %v", out, err)
	}
	before := d.Snapshot()
	nOutbox := len(d.Outbox())
	variants := map[string]customs.Receipt{"same": r}
	v := r
	v.ReceivedAt = at(99)
	variants["other receivedAt"] = v
	v = r
	v.ReceivedAt = time.Time{}
	variants["no receivedAt"] = v
	v = r
	v.ReturnTime = r.ReturnTime.In(cst)
	v.GUID = " " + strings.ToLower(r.GUID) + " "
	v.ReturnStatus = " 800 "
	variants["other spelling"] = v
	v = r
	v.ReturnInfo = "放行 (second delivery)"
	variants["other returnInfo"] = v
	for name, v := range variants {
		out, err := d.ApplyReceipt(v, at(50))
		if err != nil || out != customs.Duplicate {
			t.Errorf("%s: %v %v", name, out, err)
		}
		if !reflect.DeepEqual(before, d.Snapshot()) || len(d.Outbox()) != nOutbox {
			t.Errorf("%s: a duplicate changed the declaration", name)
		}
	}
	if rk, vk := r.Key(), variants["other spelling"].Key(); rk != vk {
		t.Errorf("keys differ: %q %q", rk, vk)
	}
	// a different returnTime is a different receipt
	v = r
	v.ReturnTime = r.ReturnTime.Add(time.Millisecond)
	if out, _ := d.ApplyReceipt(v, at(51)); out != customs.Recorded {
		t.Errorf("other returnTime: %v", out)
	}
}

func TestReceiptRefused(t *testing.T) {
	draft := newInventory(t)
	wantErr(t, "draft", second(draft.ApplyReceipt(rcpt("2", 0), at(1))), domain.KindFailedPrecondition, "not_submitted")

	d := submitted(t)
	r := rcpt("2", 0)
	r.GUID = guid2
	wantErr(t, "other guid", second(d.ApplyReceipt(r, at(3))), domain.KindConflict, "guid_mismatch")

	cases := []struct {
		name  string
		edit  func(*customs.Receipt)
		field string
		code  string
	}{
		{"no message", func(r *customs.Receipt) { r.Message = "" }, "message", "required"},
		{"another kind's message", func(r *customs.Receipt) { r.Message = "CEB702" }, "message", "unexpected_message"},
		{"a declare message", func(r *customs.Receipt) { r.Message = "CEB603" }, "message", "unexpected_message"},
		{"no guid", func(r *customs.Receipt) { r.GUID = " " }, "guid", "required"},
		{"no returnStatus", func(r *customs.Receipt) { r.ReturnStatus = "" }, "returnStatus", "required"},
		{"no returnTime", func(r *customs.Receipt) { r.ReturnTime = time.Time{} }, "returnTime", "required"},
		{"long invtNo", func(r *customs.Receipt) { r.InvtNo = strings.Repeat("1", 21) }, "invtNo", "too_long"},
		{"long preNo", func(r *customs.Receipt) { r.PreNo = strings.Repeat("1", 19) }, "preNo", "too_long"},
	}
	for _, c := range cases {
		r := rcpt("2", 0)
		c.edit(&r)
		_, err := d.ApplyReceipt(r, at(3))
		if !hasFieldCode(err, c.field, c.code) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if len(d.Receipts()) != 0 || d.Status() != customs.StatusSubmitted || len(d.Timeline()) != 2 {
		t.Errorf("refused receipts left traces: %d receipts, %s", len(d.Receipts()), d.Status())
	}
	// a format error receipt (CEB900) fits any kind
	r = rcpt("-1", 0)
	r.Message = customs.MessageFormatError
	if out, err := d.ApplyReceipt(r, at(3)); err != nil || out != customs.Applied || d.Status() != customs.StatusError {
		t.Errorf("CEB900: %v %v %s", out, err, d.Status())
	}
}

func second[T any](_ T, err error) error { return err }

// TestEveryMoveByReceipt puts an inventory list in every status and applies a receipt of every
// status reachable by receipt: the outcome is Applied exactly when CanMove says so.
func TestEveryMoveByReceipt(t *testing.T) {
	for _, from := range customs.Statuses() {
		if from == customs.StatusDraft {
			continue
		}
		for _, to := range customs.Statuses() {
			c, ok := codeFor[to]
			if !ok {
				continue
			}
			d := inStatus(t, from)
			nRec := len(d.Receipts())
			out, err := d.ApplyReceipt(numbered(c, 100), at(20))
			if err != nil {
				t.Errorf("%s → %s: %v", from, to, err)
				continue
			}
			want, wantStatus := customs.Recorded, from
			if customs.CanMove(from, to) {
				want, wantStatus = customs.Applied, to
			}
			if out != want || d.Status() != wantStatus || len(d.Receipts()) != nRec+1 {
				t.Errorf("%s + %s (%s): %v → %s, want %v → %s", from, c, to, out, d.Status(), want, wantStatus)
			}
		}
	}
}

func TestRecordedReceiptsAreExplained(t *testing.T) {
	d := inStatus(t, customs.StatusReleased)
	out, _ := d.ApplyReceipt(numbered("120", 50), at(20))
	tl := d.Timeline()
	last := tl[len(tl)-1]
	if out != customs.Recorded || last.Type != customs.TimelineReceiptRecorded || !strings.Contains(last.Detail, "does not outrank") {
		t.Errorf("stale 120: %v %+v", out, last)
	}
	if _, ob := types(d); slices.Contains(ob, customs.TimelineReceiptRecorded) {
		t.Error("a recorded receipt produced an event")
	}
	rs := d.Receipts()
	stale := rs[len(rs)-1]
	if stale.Outcome != customs.Recorded || stale.Note == "" || stale.Status != customs.StatusAccepted {
		t.Errorf("stale receipt %+v", stale)
	}
}

func TestUnknownReturnCodeKept(t *testing.T) {
	d := inStatus(t, customs.StatusAccepted)
	nOut := len(d.Outbox())
	out, err := d.ApplyReceipt(numbered("601", 9), at(20))
	if err != nil || out != customs.Recorded || d.Status() != customs.StatusAccepted {
		t.Fatalf("unknown code: %v %v %s", out, err, d.Status())
	}
	rs := d.Receipts()
	if len(rs) != 2 || rs[1].ReturnStatus != "601" || rs[1].Status != "" || !strings.Contains(rs[1].Note, "unknown") {
		t.Errorf("receipts %+v", rs)
	}
	ob := d.Outbox()
	if len(ob) != nOut+1 || ob[nOut].Type != customs.EventReceiptUnknown || ob[nOut].Data["returnStatus"] != "601" {
		t.Errorf("outbox %+v", ob[nOut:])
	}
	// and the same unknown receipt again is a duplicate
	if out, _ := d.ApplyReceipt(numbered("601", 9), at(21)); out != customs.Duplicate {
		t.Errorf("unknown code again: %v", out)
	}
}

func TestNumbers(t *testing.T) {
	d := submitted(t)
	// 2 carries no number yet
	if _, err := d.ApplyReceipt(rcpt("2", 0), at(3)); err != nil {
		t.Fatal(err)
	}
	if d.PreNo() != "" || d.InvtNo() != "" {
		t.Errorf("numbers from nothing: %q %q", d.PreNo(), d.InvtNo())
	}
	// 800 arrives first, with both numbers
	if out, _ := d.ApplyReceipt(numbered("800", 10), at(4)); out != customs.Applied {
		t.Fatal(out)
	}
	if d.PreNo() != preNo1 || d.InvtNo() != invtNo1 {
		t.Errorf("numbers %q %q", d.PreNo(), d.InvtNo())
	}
	// a late 120 with another invtNo: kept, flagged, not applied
	r := numbered("120", 5)
	r.InvtNo = "47002026E000999999"
	out, err := d.ApplyReceipt(r, at(5))
	if err != nil || out != customs.Recorded || d.InvtNo() != invtNo1 {
		t.Fatalf("conflict: %v %v %s", out, err, d.InvtNo())
	}
	rs := d.Receipts()
	var conflicted *customs.ReceiptRecord
	for i := range rs {
		if rs[i].ReturnStatus == "120" {
			conflicted = &rs[i]
		}
	}
	if conflicted == nil || !slices.Equal(conflicted.Conflicts, []string{"invtNo"}) || conflicted.InvtNo != "47002026E000999999" {
		t.Errorf("conflicting receipt %+v", conflicted)
	}
	ob := d.Outbox()
	last := ob[len(ob)-1]
	if last.Type != customs.EventNumberConflict || last.Data["field"] != "invtNo" || last.Data["have"] != invtNo1 ||
		last.Data["got"] != "47002026E000999999" {
		t.Errorf("conflict event %+v", last)
	}
	if tl := d.Timeline(); tl[len(tl)-1].Type != customs.EventNumberConflict || tl[len(tl)-2].Type != customs.TimelineReceiptRecorded {
		t.Errorf("timeline %v", tl[len(tl)-2:])
	}

	// a recorded receipt may still bring a number the declaration lacks
	d = submitted(t)
	if _, err := d.ApplyReceipt(rcpt("800", 10), at(4)); err != nil {
		t.Fatal(err)
	}
	out, _ = d.ApplyReceipt(numbered("120", 5), at(5))
	if out != customs.Recorded || d.InvtNo() != invtNo1 || d.PreNo() != preNo1 {
		t.Fatalf("late numbers: %v %q %q", out, d.InvtNo(), d.PreNo())
	}
	ob = d.Outbox()
	if last := ob[len(ob)-1]; last.Type != customs.EventNumbered || last.Data["invtNo"] != invtNo1 || last.Data["preNo"] != preNo1 {
		t.Errorf("numbered event %+v", last)
	}
}

// TestOrderTolerance applies the receipts of a real clearance (2, 3, 120, 500, 800, 899) in
// every one of the 720 orders, and in seeded random orders with repeats mixed in: the end is
// always cleared with the six receipts kept in returnTime order, the numbers assigned and the
// release time that of the 800.
func TestOrderTolerance(t *testing.T) {
	codes := []string{"2", "3", "120", "500", "800", "899"}
	receipts := make([]customs.Receipt, len(codes))
	for i, c := range codes {
		receipts[i] = numbered(c, i)
	}
	check := func(name string, order []customs.Receipt) {
		t.Helper()
		d := submitted(t)
		applied := 0
		for i, r := range order {
			out, err := d.ApplyReceipt(r, at(10+i))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if out == customs.Applied {
				applied++
			}
		}
		rs := d.Receipts()
		if d.Status() != customs.StatusCleared || len(rs) != 6 || applied < 1 ||
			d.InvtNo() != invtNo1 || d.PreNo() != preNo1 || !d.ReleasedAt().Equal(receipts[4].ReturnTime) {
			t.Fatalf("%s: status %s, %d receipts, %d applied, %s %s, released %v", name, d.Status(), len(rs), applied,
				d.InvtNo(), d.PreNo(), d.ReleasedAt())
		}
		for i, r := range rs {
			if r.ReturnStatus != codes[i] || len(r.Conflicts) != 0 {
				t.Fatalf("%s: receipt %d is %s (%v)", name, i, r.ReturnStatus, r.Conflicts)
			}
		}
		// one event per applied status change, beyond created and submitted
		if _, ob := types(d); len(ob) != 2+applied {
			t.Fatalf("%s: %d events for %d applied receipts: %v", name, len(ob), applied, ob)
		}
	}
	n := 0
	permute(len(receipts), func(p []int) {
		order := make([]customs.Receipt, len(p))
		for i, j := range p {
			order[i] = receipts[j]
		}
		check(fmt.Sprint("permutation ", p), order)
		n++
	})
	if n != 720 {
		t.Fatalf("%d permutations", n)
	}
	for seed := uint64(1); seed <= 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0x5EED))
		order := slices.Clone(receipts)
		for range rng.IntN(6) + 1 { // repeats, some with another ReceivedAt
			r := receipts[rng.IntN(len(receipts))]
			r.ReceivedAt = r.ReceivedAt.Add(time.Duration(rng.IntN(1000)) * time.Second)
			order = append(order, r)
		}
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		check(fmt.Sprint("seed ", seed), order)
	}
}

// permute calls f with every permutation of 0..n-1 (Heap's algorithm).
func permute(n int, f func([]int)) {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	var gen func(k int)
	gen = func(k int) {
		if k == 1 {
			f(slices.Clone(p))
			return
		}
		gen(k - 1)
		for i := 0; i < k-1; i++ {
			if k%2 == 0 {
				p[i], p[k-1] = p[k-1], p[i]
			} else {
				p[0], p[k-1] = p[k-1], p[0]
			}
			gen(k - 1)
		}
	}
	gen(n)
}

// TestRealPathsAnyOrder: for other real paths too, any order ends in the path's last status.
func TestRealPathsAnyOrder(t *testing.T) {
	paths := map[string][]string{
		"rejected after acceptance": {"1", "2", "3", "120", "100"},
		"rejected at once":          {"2", "3", "100"},
		"send failed":               {"1", "2", "4"},
		"processing error":          {"2", "3", "-301010"},
		"inspected then released":   {"2", "3", "120", "500", "800", "899"},
		"review then release":       {"2", "3", "120", "300", "399", "800"},
	}
	want := map[string]customs.Status{
		"rejected after acceptance": customs.StatusRejected, "rejected at once": customs.StatusRejected,
		"send failed": customs.StatusSendFailed, "processing error": customs.StatusError,
		"inspected then released": customs.StatusCleared, "review then release": customs.StatusReleased,
	}
	for name, codes := range paths {
		receipts := make([]customs.Receipt, len(codes))
		for i, c := range codes {
			receipts[i] = numbered(c, i)
		}
		permute(len(receipts), func(p []int) {
			d := submitted(t)
			for i, j := range p {
				if _, err := d.ApplyReceipt(receipts[j], at(10+i)); err != nil {
					t.Fatal(err)
				}
			}
			if d.Status() != want[name] || len(d.Receipts()) != len(codes) {
				t.Fatalf("%s in order %v: %s with %d receipts", name, p, d.Status(), len(d.Receipts()))
			}
		})
	}
}

func TestFailReasonClearedByProgress(t *testing.T) {
	d := inStatus(t, customs.StatusError)
	if d.FailReason() != "info -1" {
		t.Fatalf("reason %q", d.FailReason())
	}
	if out, _ := d.ApplyReceipt(numbered("120", 5), at(9)); out != customs.Applied || d.FailReason() != "" || d.Resubmittable() {
		t.Errorf("120 after an error: %v %q", out, d.FailReason())
	}
}

func TestRejectionReason(t *testing.T) {
	d := inStatus(t, customs.StatusAccepted)
	r := numbered("100", 9)
	r.ReturnInfo = "商品编码与申报要素不符"
	if out, _ := d.ApplyReceipt(r, at(20)); out != customs.Applied || d.Status() != customs.StatusRejected {
		t.Fatalf("rejection after acceptance: %v %s", out, d.Status())
	}
	ob := d.Outbox()
	if d.FailReason() != "商品编码与申报要素不符" || ob[len(ob)-1].Data["reason"] != "商品编码与申报要素不符" {
		t.Errorf("reason %q, event %+v", d.FailReason(), ob[len(ob)-1].Data)
	}
	if d.Resubmittable() || !d.Final() {
		t.Error("a rejected list is resubmittable or not final")
	}
	wantErr(t, "submit rejected", d.Submit(guid2, "SG2", []byte("x"), at(30)), domain.KindFailedPrecondition, "already_submitted")
}

func TestResubmission(t *testing.T) {
	for _, code := range []string{"4", "-1"} {
		d := submitted(t)
		// the first filing got a preNo and failed
		if _, err := d.ApplyReceipt(numbered("2", 0), at(3)); err != nil {
			t.Fatal(err)
		}
		if out, _ := d.ApplyReceipt(numbered(code, 1), at(4)); out != customs.Applied || !d.Resubmittable() {
			t.Fatalf("%s: %s, resubmittable %v", code, d.Status(), d.Resubmittable())
		}
		if ps, _ := d.ParcelStatus(); ps != parcel.StatusRejected {
			t.Errorf("%s: parcel status %s", code, ps)
		}
		// the old guid cannot come back, a fresh one can
		if err := d.Submit(guid1, "SG3", []byte("x"), at(5)); err != nil || d.Status().Resubmittable() != true {
			t.Errorf("%s: the same guid again: %v, %s", code, err, d.Status())
		}
		if err := d.Submit(guid2, "SG202611030905000002", []byte("<CEB603 again/>"), at(5)); err != nil {
			t.Fatalf("%s: resubmit: %v", code, err)
		}
		if d.Status() != customs.StatusSubmitted || d.GUID() != guid2 || d.PreNo() != "" || d.InvtNo() != "" || d.FailReason() != "" ||
			!d.SubmittedAt().Equal(at(5)) || !slices.Equal(d.GUIDs(), []string{guid2, guid1}) {
			t.Fatalf("%s: after resubmit %s %s %q %v", code, d.Status(), d.GUID(), d.PreNo(), d.GUIDs())
		}
		fs := d.Filings()
		if len(fs) != 1 || fs[0].GUID != guid1 || fs[0].PreNo != preNo1 || fs[0].Status.Resubmittable() != true ||
			string(fs[0].Message) != "<CEB603Message/>" || !fs[0].SubmittedAt.Equal(at(1)) {
			t.Errorf("%s: filings %+v", code, fs)
		}
		ob := d.Outbox()
		if last := ob[len(ob)-1]; last.Type != customs.EventSubmitted || last.Data["previousGuid"] != guid1 ||
			last.Data["resubmission"] != true {
			t.Errorf("%s: resubmitted event %+v", code, last.Data)
		}
		// a late receipt of the old filing: kept, recorded only, numbers not taken
		late := numbered("120", 2)
		out, err := d.ApplyReceipt(late, at(6))
		if err != nil || out != customs.Recorded || d.Status() != customs.StatusSubmitted || d.InvtNo() != "" {
			t.Errorf("%s: late old-guid receipt: %v %v %s %q", code, out, err, d.Status(), d.InvtNo())
		}
		if rs := d.Receipts(); rs[len(rs)-1].Current || !strings.Contains(rs[len(rs)-1].Note, "earlier filing") {
			t.Errorf("%s: late receipt %+v", code, rs[len(rs)-1])
		}
		if out, _ := d.ApplyReceipt(late, at(7)); out != customs.Duplicate {
			t.Errorf("%s: late receipt again: %v", code, out)
		}
		// the new filing's receipts apply
		r := numbered("120", 3)
		r.GUID = guid2
		r.PreNo = "B20261103000000002"
		if out, _ := d.ApplyReceipt(r, at(8)); out != customs.Applied || d.PreNo() != "B20261103000000002" || d.InvtNo() != invtNo1 {
			t.Errorf("%s: new filing: %v %s %s", code, out, d.PreNo(), d.InvtNo())
		}
		// and a third guid is refused now
		wantErr(t, "third guid", d.Submit(guid3, "SG4", []byte("x"), at(9)), domain.KindFailedPrecondition, "already_submitted")
	}
	// a reused guid
	d := inStatus(t, customs.StatusSendFailed)
	if err := d.Submit(guid2, "SG2", []byte("x"), at(5)); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ApplyReceipt(customs.Receipt{Message: "CEB604", GUID: guid2, ReturnStatus: "4", ReturnTime: at(6)}, at(6)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "reused guid", d.Submit(guid1, "SG3", []byte("x"), at(7)), domain.KindConflict, "guid_reused")
}

// TestConcurrentDuplicates: two workers load the same stored declaration and apply the same
// receipt at once (the queue delivered it twice). Each copy applies it; the store keeps the
// first write, the loser retries on a fresh load and finds a Duplicate. Run with -race: copies
// rebuilt from one record share no memory.
func TestConcurrentDuplicates(t *testing.T) {
	stored := inStatus(t, customs.StatusAccepted).Snapshot()
	r := numbered("800", 7)
	const workers = 8
	var wg sync.WaitGroup
	results := make([]customs.Record, workers)
	for i := range workers {
		wg.Go(func() {
			d := customs.FromDatabase(stored)
			rr := r
			rr.ReceivedAt = at(40 + i)
			if out, err := d.ApplyReceipt(rr, at(40+i)); out != customs.Applied || err != nil {
				t.Errorf("worker %d: %v %v", i, out, err)
			}
			results[i] = d.Snapshot()
		})
	}
	wg.Wait()
	if len(stored.Receipts) != 1 || stored.Status != customs.StatusAccepted {
		t.Fatalf("the stored record changed: %s, %d receipts", stored.Status, len(stored.Receipts))
	}
	// optimistic concurrency: the first write wins (version bump), the others reload and retry
	winner := results[0]
	winner.Version++
	for i := 1; i < workers; i++ {
		d := customs.FromDatabase(winner)
		rr := r
		rr.ReceivedAt = at(40 + i)
		if out, err := d.ApplyReceipt(rr, at(60)); out != customs.Duplicate || err != nil {
			t.Errorf("retry %d: %v %v", i, out, err)
		}
		if len(d.Outbox()) != 0 || len(d.Receipts()) != 2 || d.Status() != customs.StatusReleased {
			t.Errorf("retry %d changed the declaration", i)
		}
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	d := inStatus(t, customs.StatusSendFailed)
	if err := d.Submit(guid2, "SG2", []byte("<again/>"), at(5)); err != nil {
		t.Fatal(err)
	}
	r := numbered("120", 9)
	r.GUID = guid2
	if _, err := d.ApplyReceipt(r, at(6)); err != nil {
		t.Fatal(err)
	}
	rec := d.Snapshot()
	back := customs.FromDatabase(rec)
	if !reflect.DeepEqual(back.Snapshot(), rec) {
		t.Fatalf("round trip differs:\n%+v\n%+v", back.Snapshot(), rec)
	}
	if len(back.Outbox()) != 0 {
		t.Error("a loaded declaration has an outbox")
	}
	// a record and the declarations made from it are independent
	rec.Receipts[0].Conflicts = append(rec.Receipts[0].Conflicts, "x")
	rec.Receipts[0].ReturnStatus = "999"
	rec.Message[0] = 'X'
	rec.Filings[0].Message[0] = 'X'
	rec.Inventory.Parcel.Items[0].Gname = "changed"
	rec.Timeline[0].Detail = "changed"
	if !reflect.DeepEqual(back.Snapshot(), d.Snapshot()) {
		t.Error("changing a record changed a declaration made from it")
	}
}

func TestClearanceTime(t *testing.T) {
	d := inStatus(t, customs.StatusAccepted)
	if _, ok := d.ClearanceTime(); ok {
		t.Error("clearance time before release")
	}
	// customs' clock behind ours: never negative
	r := rcpt("800", 0)
	r.ReturnTime = at(0)
	if _, err := d.ApplyReceipt(r, at(9)); err != nil {
		t.Fatal(err)
	}
	if ct, ok := d.ClearanceTime(); !ok || ct != 0 {
		t.Errorf("clock skew: %v %v", ct, ok)
	}
	// clearance without a release receipt: release implied at clearance
	d = inStatus(t, customs.StatusAccepted)
	if _, err := d.ApplyReceipt(rcpt("899", 60), at(9)); err != nil {
		t.Fatal(err)
	}
	if ct, ok := d.ClearanceTime(); !ok || ct != at(3).Sub(at(1)) {
		t.Errorf("cleared only: %v %v (released %v)", ct, ok, d.ReleasedAt())
	}
	// an 800 arriving after the 899 gives the real (earlier) release time
	if out, _ := d.ApplyReceipt(rcpt("800", 30), at(10)); out != customs.Recorded {
		t.Fatal(out)
	}
	if !d.ReleasedAt().Equal(at(2).Add(30 * time.Second)) {
		t.Errorf("released %v", d.ReleasedAt())
	}
	// a rejected list never has a release time, whatever it kept
	d = inStatus(t, customs.StatusRejected)
	if _, err := d.ApplyReceipt(rcpt("800", 30), at(10)); err != nil {
		t.Fatal(err)
	}
	if !d.ReleasedAt().IsZero() || d.Released() {
		t.Errorf("rejected list released at %v", d.ReleasedAt())
	}
}

func TestEventActor(t *testing.T) {
	d := submitted(t)
	for _, e := range d.Outbox() {
		if e.Data["actor"] == "" {
			t.Errorf("event %s without actor", e.Type)
		}
	}
}

func TestKinds(t *testing.T) {
	if ks := customs.Kinds(); len(ks) != 9 || !ks[0].Valid() || !customs.KindWaybill.Valid() || customs.Kind("parcel").Valid() {
		t.Errorf("kinds %v", ks)
	}
}

// TestSnapshotEveryKind round-trips one declaration of each kind, with receipts and conflicts,
// and checks that the rebuilt declaration shares nothing with the record.
func TestSnapshotEveryKind(t *testing.T) {
	mid := time.Date(2026, 11, 15, 10, 0, 0, 0, cst)
	dec1 := time.Date(2026, 12, 1, 9, 0, 0, 0, cst)

	ed := validEntryDraft()
	ed.FeeMark, ed.FeeRate, ed.FeeCurr = "3", decp("1500"), "EUR"
	ed.InsurMark, ed.InsurRate = "1", decp("0.3")
	ed.Lines[0].SecondQty, ed.Lines[0].SecondUnit = decp("2"), "007"
	entry, err := customs.NewEntry("dec-e", "b", "e", ed, at(0), "b")
	if err != nil {
		t.Fatal(err)
	}
	if e, _ := entry.Entry(); e.Draft().FeeRate == nil || e.Draft().Lines[0].SecondQty == nil {
		t.Error("Draft lost the charges or the second quantity")
	} else if again, err := customs.ValidateEntry(e.Draft()); err != nil || !equalJSON(t, again, e) {
		t.Errorf("entry draft round trip: %v", err)
	}
	_ = entry.Submit(guid1, "SGE1", []byte("<Dec/>"), at(1))
	for i, id := range []string{"470020260000000001", "470020260000000002"} { // the second conflicts
		r := customs.Receipt{Message: "DEC", GUID: guid1, ReturnStatus: "L", ReturnTime: at(2 + i), EntryID: id,
			PreNo: "B2026110300000000" + strconv.Itoa(i+1)}
		if _, err := entry.ApplyReceipt(r, at(2+i)); err != nil {
			t.Fatal(err)
		}
	}
	rs := entry.Receipts()
	if !slices.Equal(rs[1].Conflicts, []string{"preNo", "entryId"}) {
		t.Errorf("entry conflicts %v", rs[1].Conflicts)
	}

	l1 := released(t, 1, mid, nil)
	sum, err := customs.NewSummary("dec-s", summaryInput(t, l1), dec1, "b")
	if err != nil {
		t.Fatal(err)
	}
	_ = sum.Submit(guid2, "SGS1", []byte("<CEB701/>"), dec1)
	for i, no := range []string{"S20261201000000001", "S20261201000000002"} {
		r := customs.Receipt{Message: "CEB702", GUID: guid2, ReturnStatus: "120", ReturnTime: dec1.Add(time.Duration(i) * time.Minute), SumNo: no}
		if _, err := sum.ApplyReceipt(r, dec1); err != nil {
			t.Fatal(err)
		}
	}
	if rs := sum.Receipts(); !slices.Equal(rs[1].Conflicts, []string{"sumNo"}) || sum.SumNo() != "S20261201000000001" {
		t.Errorf("summary conflicts %v", rs[1].Conflicts)
	}

	target := inStatus(t, customs.StatusAccepted)
	cancel, err := customs.NewCancel("dec-c", "b", target, "reason", at(5), "b")
	if err != nil {
		t.Fatal(err)
	}

	for _, d := range []*customs.Declaration{entry, sum, cancel, l1} {
		rec := d.Snapshot()
		back := customs.FromDatabase(rec)
		if !reflect.DeepEqual(back.Snapshot(), rec) {
			t.Errorf("%s: round trip differs", d.Kind())
		}
		if back.UpdatedAt() != d.UpdatedAt() || back.Version() != d.Version() {
			t.Errorf("%s: times or version differ", d.Kind())
		}
		switch {
		case rec.Entry != nil:
			rec.Entry.Lines[0].GName = "changed"
			*rec.Entry.Lines[0].SecondQty = dec("99")
		case rec.Summary != nil:
			rec.Summary.Lists[0].InvtNo = "changed"
		case rec.Cancel != nil:
			rec.Cancel.Reason = "changed"
		}
		if !reflect.DeepEqual(back.Snapshot(), d.Snapshot()) {
			t.Errorf("%s: changing the record changed the declaration", d.Kind())
		}
		if e, ok := back.Entry(); ok {
			*e.Lines[0].SecondQty = dec("77")
			if again, _ := back.Entry(); again.Lines[0].SecondQty.String() == "77" {
				t.Error("Entry() shares the second quantity")
			}
		}
	}
}
