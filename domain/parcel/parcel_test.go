package parcel_test

import (
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

var t0 = time.Date(2024, 6, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))

// at is t0 plus n minutes.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }

func newParcel(t *testing.T) *parcel.Parcel {
	t.Helper()
	p, err := parcel.New("parcel-1", validDraft(), at(0), "org-exporter-1")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func wantKindCode(t *testing.T, what string, err error, kind domain.Kind, code string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Kind != kind || string(e.Code) != code {
		t.Errorf("%s: error %v, want %s/%s", what, err, kind, code)
	}
}

func types(p *parcel.Parcel) (timeline, outbox []string) {
	for _, e := range p.Timeline() {
		timeline = append(timeline, e.Type)
	}
	for _, e := range p.Outbox() {
		outbox = append(outbox, e.Type)
	}
	return
}

func TestNewRegisters(t *testing.T) {
	p := newParcel(t)
	if p.ID() != "parcel-1" || p.Status() != parcel.StatusRegistered || !p.Editable() {
		t.Fatalf("new parcel: %s %s", p.ID(), p.Status())
	}
	if !p.CreatedAt().Equal(at(0)) || !p.UpdatedAt().Equal(at(0)) || p.CreatedAt().Location() != time.UTC {
		t.Errorf("times %v %v", p.CreatedAt(), p.UpdatedAt())
	}
	if p.Version() != 0 {
		t.Errorf("version %d", p.Version())
	}
	getters := []struct{ name, got, want string }{
		{"tradeMode", p.TradeMode(), "9610"},
		{"exporterId", p.ExporterID(), "org-exporter-1"},
		{"orderNo", p.OrderNo(), "ORDER-2024-0001"},
		{"ebpCode", p.EbpCode(), "3301961Q43"},
		{"ebpName", p.EbpName(), "襄阳跨境电商平台有限公司"},
		{"logisticsCode", p.LogisticsCode(), "4206930001"},
		{"logisticsNo", p.LogisticsNo(), "XY2024060100001"},
		{"key", p.Key(), "4206930001:XY2024060100001"},
		{"consignee.name", p.Consignee().Name, "Anna Kowalska"},
		{"destinationCountry", p.DestinationCountry(), "PL"},
		{"currency", p.Currency(), "EUR"},
		{"grossWeightKg", p.GrossWeightKg().String(), "1.25"},
		{"netWeightKg", p.NetWeightKg().String(), "1"},
		{"freight", p.Freight().String(), "12.5"},
		{"insuredFee", p.InsuredFee().String(), "0"},
		{"goodsValue", p.GoodsValue().String(), "1359.47"},
		{"emsNo", p.EmsNo(), ""},
		{"note", p.Note(), "易碎品"},
		{"declarationId", p.DeclarationID(), ""},
		{"items", strconv.Itoa(len(p.Items())), "2"},
	}
	for _, g := range getters {
		if g.got != g.want {
			t.Errorf("%s = %q, want %q", g.name, g.got, g.want)
		}
	}

	tl := p.Timeline()
	if len(tl) != 1 || tl[0].Type != parcel.EventRegistered || tl[0].Status != parcel.StatusRegistered ||
		tl[0].Actor != "org-exporter-1" || !tl[0].At.Equal(at(0)) || tl[0].Detail == "" {
		t.Errorf("timeline %+v", tl)
	}
	ob := p.Outbox()
	if len(ob) != 1 {
		t.Fatalf("outbox %+v", ob)
	}
	e := ob[0]
	if e.Type != "parcel.registered" || e.Aggregate != "parcel" || e.SubjectID != "parcel-1" || !e.At.Equal(at(0)) ||
		e.ID != "parcel:parcel-1:1:0" {
		t.Errorf("event %+v", e)
	}
	for k, want := range map[string]string{
		"status": "registered", "exporterId": "org-exporter-1", "tradeMode": "9610", "orderNo": "ORDER-2024-0001",
		"logisticsCode": "4206930001", "logisticsNo": "XY2024060100001", "actor": "org-exporter-1",
	} {
		if e.Data[k] != want {
			t.Errorf("event data %s = %v, want %s", k, e.Data[k], want)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	d := validDraft()
	d.Items = nil
	p, err := parcel.New("parcel-1", d, at(0), "x")
	if p != nil || domain.CodeOf(err) != "no_items" || domain.KindOf(err) != domain.KindInvalid {
		t.Errorf("New with no items = %v, %v", p, err)
	}
	p, err = parcel.New("", validDraft(), at(0), "x")
	if p != nil || domain.KindOf(err) != domain.KindInternal {
		t.Errorf("New without id = %v, %v", p, err)
	}
}

func TestLifecycle(t *testing.T) {
	p := newParcel(t)
	steps := []struct {
		do     func() error
		status parcel.Status
		actor  string
	}{
		{func() error { return p.Declare(at(1), "broker-1", "DEC-1") }, parcel.StatusDeclared, "broker-1"},
		{func() error { return p.Accept(at(2), "customs") }, parcel.StatusAccepted, "customs"},
		{func() error { return p.Inspect(at(3), "customs") }, parcel.StatusInspection, "customs"},
		{func() error { return p.Release(at(4), "customs") }, parcel.StatusReleased, "customs"},
		{func() error { return p.Load(at(5), "operator", " msku1234565 ", "dep-42") }, parcel.StatusLoaded, "operator"},
		{func() error { return p.Depart(at(6), "operator") }, parcel.StatusDeparted, "operator"},
		{func() error { return p.Arrive(at(7), "operator") }, parcel.StatusArrived, "operator"},
	}
	prev := parcel.StatusRegistered
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if p.Status() != s.status {
			t.Fatalf("step %d: status %s, want %s", i, p.Status(), s.status)
		}
		tl := p.Timeline()
		last := tl[len(tl)-1]
		if len(tl) != i+2 || last.Type != "parcel."+string(s.status) || last.Status != s.status ||
			last.Actor != s.actor || !last.At.Equal(at(i+1)) {
			t.Errorf("step %d: timeline entry %+v", i, last)
		}
		ob := p.Outbox()
		e := ob[len(ob)-1]
		if len(ob) != i+2 || e.Type != last.Type || e.Data["status"] != string(s.status) ||
			e.Data["from"] != string(prev) || e.Data["actor"] != s.actor || !e.At.Equal(last.At) {
			t.Errorf("step %d: event %+v", i, e)
		}
		if !p.UpdatedAt().Equal(at(i + 1)) {
			t.Errorf("step %d: updatedAt %v", i, p.UpdatedAt())
		}
		prev = s.status
	}
	if p.DeclarationID() != "DEC-1" || p.ContainerNo() != "MSKU1234565" || p.DepartureID() != "dep-42" {
		t.Errorf("facts: %s %s %s", p.DeclarationID(), p.ContainerNo(), p.DepartureID())
	}
	if !p.Status().Final() || p.Editable() {
		t.Error("an arrived parcel is final and locked")
	}
	tl, ob := types(p)
	want := []string{parcel.EventRegistered, parcel.EventDeclared, parcel.EventAccepted, parcel.EventInspection,
		parcel.EventReleased, parcel.EventLoaded, parcel.EventDeparted, parcel.EventArrived}
	if !slices.Equal(tl, want) || !slices.Equal(ob, want) {
		t.Errorf("timeline %v, outbox %v", tl, ob)
	}
	// Event ids are unique and derived from the next version and the place in the outbox.
	ids := map[string]bool{}
	for i, e := range p.Outbox() {
		if e.ID != "parcel:parcel-1:1:"+strconv.Itoa(i) || ids[e.ID] {
			t.Errorf("event %d id %s", i, e.ID)
		}
		ids[e.ID] = true
	}
	loaded := p.Outbox()[5]
	if loaded.Data["containerNo"] != "MSKU1234565" || loaded.Data["departureId"] != "dep-42" {
		t.Errorf("loaded event data %v", loaded.Data)
	}
	if p.Outbox()[1].Data["declarationId"] != "DEC-1" {
		t.Errorf("declared event data %v", p.Outbox()[1].Data)
	}
}

func TestRejectEditRedeclare(t *testing.T) {
	p := newParcel(t)
	must(t, p.Declare(at(1), "broker-1", "DEC-1"))
	must(t, p.Accept(at(2), "customs"))
	must(t, p.Reject(at(3), "customs", "  商品编码与品名不符 "))
	if p.Status() != parcel.StatusRejected || p.RejectReason() != "商品编码与品名不符" || !p.Editable() {
		t.Fatalf("rejected: %s %q", p.Status(), p.RejectReason())
	}
	last := p.Outbox()[3]
	if last.Type != parcel.EventRejected || last.Data["reason"] != "商品编码与品名不符" || last.Data["from"] != "accepted" {
		t.Errorf("rejected event %+v", last)
	}

	d := p.Fields().Draft()
	d.Items[0].Gcode = "6109909000"
	must(t, p.Edit(d, at(4), "org-exporter-1"))
	if p.Status() != parcel.StatusRejected || p.Items()[0].Gcode != "6109909000" {
		t.Errorf("after edit: %s %s", p.Status(), p.Items()[0].Gcode)
	}
	must(t, p.Declare(at(5), "broker-1", "DEC-2"))
	if p.DeclarationID() != "DEC-2" || p.RejectReason() != "" || p.Editable() {
		t.Errorf("re-declared: %s %q", p.DeclarationID(), p.RejectReason())
	}
	must(t, p.Release(at(6), "customs")) // 800 arrived before 120
	tl, _ := types(p)
	want := []string{parcel.EventRegistered, parcel.EventDeclared, parcel.EventAccepted, parcel.EventRejected,
		parcel.EventEdited, parcel.EventDeclared, parcel.EventReleased}
	if !slices.Equal(tl, want) {
		t.Errorf("timeline %v", tl)
	}
	if e := p.Timeline()[4]; e.Status != parcel.StatusRejected || e.Actor != "org-exporter-1" {
		t.Errorf("edit entry %+v", e)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// atStatus rebuilds a parcel that has reached s, with the facts that status implies.
func atStatus(t *testing.T, s parcel.Status) *parcel.Parcel {
	t.Helper()
	r := newParcel(t).Snapshot()
	r.Status = s
	switch s {
	case parcel.StatusRegistered, parcel.StatusCancelled:
	default:
		r.DeclarationID = "DEC-1"
	}
	switch s {
	case parcel.StatusLoaded, parcel.StatusDeparted, parcel.StatusArrived:
		r.ContainerNo, r.DepartureID = "MSKU1234565", "dep-1"
	case parcel.StatusRejected:
		r.RejectReason = "wrong"
	}
	r.Version = 3
	return parcel.UnmarshalFromDatabase(r)
}

// apply performs the transition to s, repeating the stored facts (the same declaration, the same
// container) so that a repeat is recognisable as one.
func apply(p *parcel.Parcel, s parcel.Status, when time.Time) error {
	switch s {
	case parcel.StatusDeclared:
		return p.Declare(when, "broker-1", "DEC-1")
	case parcel.StatusAccepted:
		return p.Accept(when, "customs")
	case parcel.StatusInspection:
		return p.Inspect(when, "customs")
	case parcel.StatusReleased:
		return p.Release(when, "customs")
	case parcel.StatusRejected:
		return p.Reject(when, "customs", "again")
	case parcel.StatusLoaded:
		return p.Load(when, "operator", "MSKU1234565", "dep-1")
	case parcel.StatusDeparted:
		return p.Depart(when, "operator")
	case parcel.StatusArrived:
		return p.Arrive(when, "operator")
	case parcel.StatusCancelled:
		return p.Cancel(when, "org-exporter-1", "order withdrawn")
	case parcel.StatusWithdrawn:
		return p.WithdrawRelease(when, "customs", "cnl-1")
	}
	panic("no transition to " + s)
}

func TestTransitionTable(t *testing.T) {
	legal := map[[2]parcel.Status]bool{
		{parcel.StatusRegistered, parcel.StatusDeclared}:  true,
		{parcel.StatusRegistered, parcel.StatusCancelled}: true,
		{parcel.StatusDeclared, parcel.StatusAccepted}:    true,
		{parcel.StatusDeclared, parcel.StatusInspection}:  true,
		{parcel.StatusDeclared, parcel.StatusReleased}:    true,
		{parcel.StatusDeclared, parcel.StatusRejected}:    true,
		{parcel.StatusAccepted, parcel.StatusInspection}:  true,
		{parcel.StatusAccepted, parcel.StatusReleased}:    true,
		{parcel.StatusAccepted, parcel.StatusRejected}:    true,
		{parcel.StatusInspection, parcel.StatusReleased}:  true,
		{parcel.StatusInspection, parcel.StatusRejected}:  true,
		{parcel.StatusReleased, parcel.StatusLoaded}:      true,
		{parcel.StatusReleased, parcel.StatusWithdrawn}:   true,
		{parcel.StatusLoaded, parcel.StatusDeparted}:      true,
		{parcel.StatusLoaded, parcel.StatusWithdrawn}:     true,
		{parcel.StatusDeparted, parcel.StatusArrived}:     true,
		{parcel.StatusRejected, parcel.StatusDeclared}:    true,
		{parcel.StatusRejected, parcel.StatusCancelled}:   true,
	}
	all := parcel.Statuses()
	if len(all) != 11 {
		t.Fatalf("%d statuses", len(all))
	}
	for _, from := range all {
		for _, to := range all {
			if got := parcel.CanTransition(from, to); got != legal[[2]parcel.Status{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
			if to == parcel.StatusRegistered {
				continue // nothing leads back to registered
			}
			name := string(from) + "→" + string(to)
			p := atStatus(t, from)
			before := p.Snapshot()
			err := apply(p, to, at(30))
			switch {
			case legal[[2]parcel.Status{from, to}]:
				if err != nil {
					t.Errorf("%s: %v", name, err)
					continue
				}
				tl, ob := p.Timeline(), p.Outbox()
				if p.Status() != to || len(tl) != len(before.Timeline)+1 || len(ob) != 1 {
					t.Errorf("%s: status %s, %d timeline entries, %d events", name, p.Status(), len(tl), len(ob))
					continue
				}
				e := ob[0]
				if e.Type != "parcel."+string(to) || tl[len(tl)-1].Type != e.Type || e.Data["from"] != string(from) ||
					e.ID != "parcel:parcel-1:4:0" {
					t.Errorf("%s: event %+v", name, e)
				}
			case from == to:
				// A repeat of the transition that got here: harmless, nothing recorded.
				if err != nil {
					t.Errorf("%s (repeat): %v", name, err)
				}
				if !reflect.DeepEqual(p.Snapshot(), before) || len(p.Outbox()) != 0 {
					t.Errorf("%s (repeat) changed the parcel", name)
				}
			default:
				wantKindCode(t, name, err, domain.KindFailedPrecondition, "illegal_transition")
				if !reflect.DeepEqual(p.Snapshot(), before) || len(p.Outbox()) != 0 {
					t.Errorf("%s (illegal) changed the parcel", name)
				}
			}
		}
	}
}

func TestRepeatsWithDifferentFactsAreIllegal(t *testing.T) {
	p := atStatus(t, parcel.StatusDeclared)
	wantKindCode(t, "declare under another id", p.Declare(at(1), "broker-1", "DEC-9"),
		domain.KindFailedPrecondition, "illegal_transition")
	p = atStatus(t, parcel.StatusLoaded)
	wantKindCode(t, "load into another container", p.Load(at(1), "operator", "TGHU0000001", "dep-1"),
		domain.KindFailedPrecondition, "illegal_transition")
	wantKindCode(t, "load for another departure", p.Load(at(1), "operator", "MSKU1234565", "dep-2"),
		domain.KindFailedPrecondition, "illegal_transition")
	if err := p.Load(at(1), "operator", "msku1234565", "dep-1"); err != nil || len(p.Outbox()) != 0 {
		t.Errorf("same container in lower case is a repeat: %v", err)
	}
	// Rejected or cancelled twice: the second reason is not recorded.
	p = atStatus(t, parcel.StatusRejected)
	must(t, p.Reject(at(1), "customs", "another reason"))
	if p.RejectReason() != "wrong" || len(p.Outbox()) != 0 {
		t.Errorf("second rejection recorded: %q", p.RejectReason())
	}
}

func TestTransitionArguments(t *testing.T) {
	p := newParcel(t)
	err := p.Declare(at(1), "broker-1", "  ")
	wantKindCode(t, "declare without id", err, domain.KindInvalid, "required")
	if got := fieldsOf(t, err); !slices.Equal(got, []fieldCode{{"declarationId", "required"}}) {
		t.Errorf("fields %v", got)
	}
	p = atStatus(t, parcel.StatusReleased)
	err = p.Load(at(1), "operator", "", "dep-1")
	if got := fieldsOf(t, err); !slices.Equal(got, []fieldCode{{"containerNo", "required"}}) {
		t.Errorf("fields %v", got)
	}
	if p.Status() != parcel.StatusReleased {
		t.Error("a refused load changed the status")
	}
	must(t, p.Load(at(1), "operator", "MSKU1234565", ""))
	if p.DepartureID() != "" || p.Outbox()[0].Data["departureId"] != nil {
		t.Error("departure id invented")
	}
	p = atStatus(t, parcel.StatusDeclared)
	must(t, p.Reject(at(1), "customs", ""))
	if p.RejectReason() != "" || p.Timeline()[len(p.Timeline())-1].Detail != "rejected by customs" {
		t.Errorf("rejection without a reason: %q", p.Timeline()[len(p.Timeline())-1].Detail)
	}
}

func TestCancel(t *testing.T) {
	for _, from := range []parcel.Status{parcel.StatusRegistered, parcel.StatusRejected} {
		p := atStatus(t, from)
		must(t, p.Cancel(at(1), "org-exporter-1", " duplicate order "))
		if p.Status() != parcel.StatusCancelled || p.CancelReason() != "duplicate order" || !p.Status().Final() {
			t.Errorf("cancel from %s: %s %q", from, p.Status(), p.CancelReason())
		}
		e := p.Outbox()[0]
		if e.Type != parcel.EventCancelled || e.Data["reason"] != "duplicate order" || e.Data["from"] != string(from) {
			t.Errorf("cancel event %+v", e)
		}
		must(t, p.Cancel(at(2), "org-exporter-1", "again"))
		if len(p.Outbox()) != 1 || p.CancelReason() != "duplicate order" {
			t.Error("a second cancel recorded something")
		}
		wantKindCode(t, "declare a cancelled parcel", p.Declare(at(3), "b", "DEC-1"),
			domain.KindFailedPrecondition, "illegal_transition")
		wantKindCode(t, "edit a cancelled parcel", p.Edit(validDraft(), at(3), "x"),
			domain.KindFailedPrecondition, "parcel_locked")
	}
	for _, from := range []parcel.Status{parcel.StatusDeclared, parcel.StatusAccepted, parcel.StatusInspection,
		parcel.StatusReleased, parcel.StatusLoaded, parcel.StatusDeparted, parcel.StatusArrived} {
		wantKindCode(t, "cancel from "+string(from), atStatus(t, from).Cancel(at(1), "x", ""),
			domain.KindFailedPrecondition, "illegal_transition")
	}
}

func TestEditLock(t *testing.T) {
	changed := validDraft()
	changed.Note = "changed"
	for _, s := range parcel.Statuses() {
		p := atStatus(t, s)
		err := p.Edit(changed, at(1), "org-exporter-1")
		if s.Editable() != (s == parcel.StatusRegistered || s == parcel.StatusRejected) {
			t.Errorf("%s.Editable() = %v", s, s.Editable())
		}
		if s.Editable() {
			if err != nil || p.Note() != "changed" || p.Status() != s {
				t.Errorf("edit while %s: %v", s, err)
			}
			continue
		}
		wantKindCode(t, "edit while "+string(s), err, domain.KindFailedPrecondition, "parcel_locked")
		if p.Note() != "易碎品" || len(p.Outbox()) != 0 {
			t.Errorf("edit while %s changed the parcel", s)
		}
	}
}

func TestEdit(t *testing.T) {
	p := newParcel(t)

	// Identical contents (even written differently) change nothing.
	must(t, p.Edit(validDraft(), at(1), "org-exporter-1"))
	if len(p.Outbox()) != 1 || !p.UpdatedAt().Equal(at(0)) {
		t.Error("an identical edit was recorded")
	}

	// A real change is recorded and normalised.
	d := validDraft()
	d.Items = d.Items[:1]
	d.Items[0].Qty = dec("4")
	d.Currency = "usd"
	must(t, p.Edit(d, at(2), "org-exporter-1"))
	if p.Currency() != "USD" || len(p.Items()) != 1 || p.GoodsValue().String() != "79.96" || p.Status() != parcel.StatusRegistered {
		t.Errorf("after edit: %s %d %s", p.Currency(), len(p.Items()), p.GoodsValue())
	}
	e := p.Outbox()[1]
	if e.Type != parcel.EventEdited || e.Data["status"] != "registered" || !p.UpdatedAt().Equal(at(2)) || !p.CreatedAt().Equal(at(0)) {
		t.Errorf("edit event %+v", e)
	}

	// An invalid draft is refused whole, with every problem, and the parcel keeps its contents.
	bad := validDraft()
	bad.Items[0].Unit = "x"
	bad.LogisticsNo = "OTHER-1"
	bad.ExporterID = "org-2"
	err := p.Edit(bad, at(3), "org-exporter-1")
	want := []fieldCode{{"items[0].unit", "invalid_unit"}, {"exporterId", "immutable"}, {"logisticsNo", "immutable"}}
	if got := fieldsOf(t, err); !slices.Equal(got, want) {
		t.Errorf("fields %v, want %v", got, want)
	}
	if p.Currency() != "USD" || len(p.Outbox()) != 2 {
		t.Error("a refused edit changed the parcel")
	}

	// The natural key cannot change even with an otherwise valid draft; case and spaces don't count.
	d2 := validDraft()
	d2.LogisticsCode = "4206930002"
	err = p.Edit(d2, at(4), "x")
	if got := fieldsOf(t, err); !slices.Equal(got, []fieldCode{{"logisticsCode", "immutable"}}) {
		t.Errorf("fields %v", got)
	}
	d3 := validDraft()
	d3.LogisticsCode = " 4206930001 "
	d3.Note = "ok"
	must(t, p.Edit(d3, at(5), "x"))
}

func TestBondedParcel(t *testing.T) {
	p, err := parcel.New("parcel-b", validBondedDraft(), at(0), "org-exporter-1")
	if err != nil {
		t.Fatal(err)
	}
	if p.TradeMode() != "1210" || p.EmsNo() != "T4206W000001" || p.Items()[1].ItemRecordNo != "2" {
		t.Errorf("1210 parcel: %s %s %+v", p.TradeMode(), p.EmsNo(), p.Items())
	}
	if p.Outbox()[0].Data["tradeMode"] != "1210" {
		t.Error("trade mode missing from the event")
	}
	// Editing a 1210 parcel keeps the 1210 rules.
	d := p.Fields().Draft()
	d.EmsNo = ""
	err = p.Edit(d, at(1), "org-exporter-1")
	if got := fieldsOf(t, err); !slices.Equal(got, []fieldCode{{"emsNo", "required"}}) {
		t.Errorf("fields %v", got)
	}
}

func TestDatabaseRoundTrip(t *testing.T) {
	p := newParcel(t)
	must(t, p.Declare(at(1), "broker-1", "DEC-1"))
	must(t, p.Reject(at(2), "customs", "no"))
	r := p.Snapshot()
	r.Version = 7
	q := parcel.UnmarshalFromDatabase(r)
	if !reflect.DeepEqual(q.Snapshot(), r) {
		t.Errorf("snapshot round trip:\n%+v\n%+v", q.Snapshot(), r)
	}
	if len(q.Outbox()) != 0 || q.Version() != 7 || q.Status() != parcel.StatusRejected || q.RejectReason() != "no" {
		t.Errorf("rebuilt: %d events, version %d, %s", len(q.Outbox()), q.Version(), q.Status())
	}
	must(t, q.Declare(at(3), "broker-1", "DEC-2"))
	if e := q.Outbox()[0]; e.ID != "parcel:parcel-1:8:0" {
		t.Errorf("event id after reload %s", e.ID)
	}
	if len(q.Timeline()) != 4 {
		t.Errorf("timeline after reload: %d", len(q.Timeline()))
	}

	// Not re-validated: a stored parcel whose contents would fail today's rules still loads.
	r.Fields.Items[0].Unit = "999"
	r.Status = parcel.StatusDeparted
	if q := parcel.UnmarshalFromDatabase(r); q.Items()[0].Unit != "999" || q.Status() != parcel.StatusDeparted {
		t.Error("UnmarshalFromDatabase changed stored contents")
	}
}

func TestAccessorsReturnCopies(t *testing.T) {
	p := newParcel(t)
	p.Items()[0].Gname = "x"
	f := p.Fields()
	f.Items[0].Gname = "y"
	p.Timeline()[0].Actor = "z"
	p.Outbox()[0].Type = "w"
	if p.Items()[0].Gname != "棉制针织T恤衫" || p.Timeline()[0].Actor != "org-exporter-1" || p.Outbox()[0].Type != parcel.EventRegistered {
		t.Error("an accessor exposed internal state")
	}
	rec := p.Snapshot()
	rec.Fields.Items[0].Gname = "v"
	rec.Timeline[0].Actor = "v"
	if p.Items()[0].Gname != "棉制针织T恤衫" || p.Timeline()[0].Actor != "org-exporter-1" {
		t.Error("Snapshot exposed internal state")
	}
	q := parcel.UnmarshalFromDatabase(rec)
	rec.Fields.Items[0].Gname = "u"
	if q.Items()[0].Gname != "v" {
		t.Error("UnmarshalFromDatabase kept the caller's slices")
	}
}

// A cancelled list withdraws the release: a loaded parcel comes off its container (the event
// names it for the rail context), a released one may no longer be loaded, and the timeline says
// why in both languages. Goods that left are only noted.
func TestWithdrawRelease(t *testing.T) {
	p := atStatus(t, parcel.StatusLoaded)
	must(t, p.WithdrawRelease(at(30), "customs", "cnl-1"))
	if p.Status() != parcel.StatusWithdrawn || p.ContainerNo() != "" || p.DepartureID() != "" || !p.Status().Final() {
		t.Fatalf("after withdrawal: %s in %q", p.Status(), p.ContainerNo())
	}
	ob := p.Outbox()
	if len(ob) != 1 || ob[0].Type != parcel.EventWithdrawn || ob[0].Data["containerNo"] != "MSKU1234565" ||
		ob[0].Data["departureId"] != "dep-1" || ob[0].Data["grossWeightKg"] == "" || ob[0].Data["from"] != "loaded" {
		t.Fatalf("withdrawal event %+v", ob)
	}
	tl := p.Timeline()
	if d := tl[len(tl)-1].Detail; !strings.Contains(d, "放行已撤销") || !strings.Contains(d, "release withdrawn") || !strings.Contains(d, "cnl-1") ||
		!strings.Contains(d, "taken out of container MSKU1234565") {
		t.Errorf("timeline detail %q", d)
	}
	must(t, p.WithdrawRelease(at(31), "customs", "cnl-1")) // a repeat changes nothing
	if len(p.Outbox()) != 1 {
		t.Error("a repeated withdrawal recorded again")
	}
	if err := p.Load(at(32), "operator", "MSKU1234565", "dep-1"); !errors.Is(err, domain.ErrIllegalTransition) {
		t.Errorf("a withdrawn parcel loaded: %v", err)
	}
	r := atStatus(t, parcel.StatusReleased)
	must(t, r.WithdrawRelease(at(30), "customs", "cnl-2"))
	if _, ok := r.Outbox()[0].Data["containerNo"]; ok {
		t.Errorf("a parcel in no container names one: %+v", r.Outbox()[0].Data)
	}
	d := atStatus(t, parcel.StatusDeparted)
	if err := d.WithdrawRelease(at(30), "customs", "cnl-3"); !errors.Is(err, domain.ErrIllegalTransition) {
		t.Errorf("goods that left were withdrawn: %v", err)
	}
	if !d.NoteListCancelledAfterDeparture(at(30), "customs", "cnl-3") || d.NoteListCancelledAfterDeparture(at(31), "customs", "cnl-3") {
		t.Error("the late cancellation is noted once")
	}
	if d.Status() != parcel.StatusDeparted || !strings.Contains(d.Timeline()[len(d.Timeline())-1].Detail, "已随班列离境") {
		t.Errorf("after a late cancellation: %s %+v", d.Status(), d.Timeline())
	}
}

func TestStatusHelpers(t *testing.T) {
	for _, s := range parcel.Statuses() {
		if !s.Valid() {
			t.Errorf("%s not valid", s)
		}
	}
	if parcel.Status("lost").Valid() || parcel.Status("").Valid() {
		t.Error("unknown statuses are valid")
	}
	final := map[parcel.Status]bool{parcel.StatusArrived: true, parcel.StatusCancelled: true, parcel.StatusWithdrawn: true}
	for _, s := range parcel.Statuses() {
		if s.Final() != final[s] {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
		// a final status leads nowhere; every other status leads somewhere
		leads := false
		for _, to := range parcel.Statuses() {
			leads = leads || parcel.CanTransition(s, to)
		}
		if leads == s.Final() {
			t.Errorf("%s: final %v but leads somewhere %v", s, s.Final(), leads)
		}
	}
}

func TestUnloadAndMovements(t *testing.T) {
	p := newParcel(t)
	for _, step := range []func() error{
		func() error { return p.Declare(at(1), "broker-1", "DEC-1") },
		func() error { return p.Release(at(2), "customs") },
		func() error { return p.Unload(at(3), "operator", "") }, // not loaded: nothing happens
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(p.Timeline()); n != 3 || p.Status() != parcel.StatusReleased {
		t.Fatalf("unloading a released parcel changed it: %s, %d entries", p.Status(), n)
	}
	if err := p.Load(at(4), "operator", "MSKU1234565", "dep-1"); err != nil {
		t.Fatal(err)
	}
	if err := p.Unload(at(5), "operator", "box not recorded"); err != nil {
		t.Fatal(err)
	}
	last := p.Timeline()[len(p.Timeline())-1]
	if p.Status() != parcel.StatusReleased || p.ContainerNo() != "" || p.DepartureID() != "" ||
		last.Detail != "unloaded from container MSKU1234565: box not recorded" {
		t.Fatalf("after unloading: %s %q %q %+v", p.Status(), p.ContainerNo(), p.DepartureID(), last)
	}
	// It may be loaded elsewhere now.
	if err := p.Load(at(6), "operator", "CSQU3054383", "dep-2"); err != nil {
		t.Fatal(err)
	}
	p.RecordMovement(at(7), "operator", "border_crossed", "ALASHANKOU")
	p.RecordMovement(at(7), "operator", "border_crossed", "ALASHANKOU") // a repeat is not noted again
	tl, ob := types(p)
	if n := len(tl); n != 7 || tl[n-1] != "parcel.movement" || ob[len(ob)-1] != "parcel.movement" || p.Status() != parcel.StatusLoaded {
		t.Fatalf("movements: %v / %v, status %s", tl, ob, p.Status())
	}
}
