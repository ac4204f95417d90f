package rail_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/rail"
)

var b0 = cst(2024, 6, 17, 9, 0)

func validRequest() rail.BookingRequest {
	return rail.BookingRequest{
		DepartureID: "dep_XXO_20240628", BookedBy: "org-forwarder", ExporterID: "org-exporter-1",
		Containers:       []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 2}, {Type: rail.Type20GP, Count: 2}},
		GrossKg:          70_000,
		CargoDescription: "汽车零部件 auto parts",
		HSCodes:          []string{"8708", "870829", "8708299000", "8708"},
		AllowWaitlist:    true,
	}
}

func newBooking(t *testing.T, edit func(*rail.BookingRequest)) *rail.Booking {
	t.Helper()
	req := validRequest()
	if edit != nil {
		edit(&req)
	}
	b, err := rail.NewBooking("bkg-1", req, b0, "user-1")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func bookingTypes(b *rail.Booking) (timeline, outbox []string) {
	for _, e := range b.Timeline() {
		timeline = append(timeline, e.Type)
	}
	for _, e := range b.Outbox() {
		outbox = append(outbox, e.Type)
	}
	return
}

func TestNewBooking(t *testing.T) {
	b := newBooking(t, nil)
	if b.ID() != "bkg-1" || b.Status() != rail.BookingRequested || b.TEU() != 6 || b.GrossKg() != 70_000 ||
		b.DepartureID() != "dep_XXO_20240628" || b.BookedBy() != "org-forwarder" || b.ExporterID() != "org-exporter-1" ||
		!b.AllowWaitlist() || b.Holds() || b.CargoDescription() != "汽车零部件 auto parts" {
		t.Errorf("booking %+v", b.Snapshot())
	}
	if !slices.Equal(b.HSCodes(), []string{"8708", "870829", "8708299000"}) || len(b.Containers()) != 2 {
		t.Errorf("hs %v containers %v", b.HSCodes(), b.Containers())
	}
	if tl, ob := bookingTypes(b); !slices.Equal(tl, []string{rail.EventBookingRequested}) || !slices.Equal(ob, tl) {
		t.Errorf("timeline %v outbox %v", tl, ob)
	}
	if b.Outbox()[0].ID != "booking:bkg-1:1:0" || b.Outbox()[0].Data["teu"] != 6 {
		t.Errorf("event %+v", b.Outbox()[0])
	}
}

func TestNewBookingRejects(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*rail.BookingRequest)
		wants []string
	}{
		{"parties required", func(r *rail.BookingRequest) { r.DepartureID, r.BookedBy, r.ExporterID = "", " ", "" },
			[]string{"departureId:required", "bookedBy:required", "exporterId:required"}},
		{"description", func(r *rail.BookingRequest) { r.CargoDescription = "" }, []string{"cargoDescription:required"}},
		{"description too long", func(r *rail.BookingRequest) { r.CargoDescription = strings.Repeat("货", 513) },
			[]string{"cargoDescription:too_long"}},
		{"odd 20GP", func(r *rail.BookingRequest) { r.Containers[1].Count = 3 },
			[]string{"containers[1].count:twenty_foot_in_pairs"}},
		{"over weight", func(r *rail.BookingRequest) { r.GrossKg = 2*25_000 + 2*24_000 + 1 }, []string{"grossKg:over_weight"}},
		{"bad type", func(r *rail.BookingRequest) { r.Containers[0].Type = "40FR" },
			[]string{"containers[0].type:invalid_container_type"}},
		{"hs codes", func(r *rail.BookingRequest) { r.HSCodes = []string{"870", "87082990001", "8708a", "85171300"} },
			[]string{"hsCodes[0]:invalid_hs_code", "hsCodes[1]:invalid_hs_code", "hsCodes[2]:invalid_hs_code"}},
	}
	for _, c := range cases {
		req := validRequest()
		c.edit(&req)
		_, err := rail.NewBooking("bkg-1", req, b0, "u")
		wantFields(t, c.name, err, c.wants...)
	}
	_, err := rail.NewBooking("", validRequest(), b0, "u")
	wantKindCode(t, "no id", err, domain.KindInternal, "internal")
}

func TestBookingStateMachine(t *testing.T) {
	type step struct {
		op   string
		code string // "" = allowed
	}
	cases := []struct {
		name   string
		noWait bool
		steps  []step
		final  rail.BookingStatus
		events []string
	}{
		{"confirm", false, []step{{"confirm", ""}, {"confirm", ""}}, rail.BookingConfirmed,
			[]string{rail.EventBookingRequested, rail.EventBookingConfirmed}},
		{"waitlist then promote", false, []step{{"waitlist", ""}, {"waitlist", ""}, {"promote", ""}, {"promote", ""}},
			rail.BookingConfirmed, []string{rail.EventBookingRequested, rail.EventBookingWaitlisted, rail.EventBookingPromoted}},
		{"waitlist not allowed", true, []step{{"waitlist", "waitlist_not_allowed"}}, rail.BookingRequested,
			[]string{rail.EventBookingRequested}},
		{"promote a requested booking", false, []step{{"promote", "illegal_transition"}}, rail.BookingRequested,
			[]string{rail.EventBookingRequested}},
		{"confirm a waitlisted booking", false, []step{{"waitlist", ""}, {"confirm", "illegal_transition"}}, rail.BookingWaitlisted,
			[]string{rail.EventBookingRequested, rail.EventBookingWaitlisted}},
		{"waitlist a confirmed booking", false, []step{{"confirm", ""}, {"waitlist", "illegal_transition"}}, rail.BookingConfirmed,
			[]string{rail.EventBookingRequested, rail.EventBookingConfirmed}},
		{"cancel requested", false, []step{{"cancel", ""}, {"cancel", ""}}, rail.BookingCancelled,
			[]string{rail.EventBookingRequested, rail.EventBookingCancelled}},
		{"cancel waitlisted", false, []step{{"waitlist", ""}, {"cancel", ""}}, rail.BookingCancelled,
			[]string{rail.EventBookingRequested, rail.EventBookingWaitlisted, rail.EventBookingCancelled}},
		{"cancel confirmed", false, []step{{"confirm", ""}, {"cancel", ""}}, rail.BookingCancelled,
			[]string{rail.EventBookingRequested, rail.EventBookingConfirmed, rail.EventBookingCancelled}},
		{"nothing after cancel", false,
			[]step{{"cancel", ""}, {"confirm", "illegal_transition"}, {"waitlist", "illegal_transition"}, {"promote", "illegal_transition"}},
			rail.BookingCancelled, []string{rail.EventBookingRequested, rail.EventBookingCancelled}},
	}
	for _, c := range cases {
		b := newBooking(t, func(r *rail.BookingRequest) { r.AllowWaitlist = !c.noWait })
		for i, s := range c.steps {
			at := b0.Add(time.Duration(i+1) * time.Hour)
			var err error
			switch s.op {
			case "confirm":
				err = b.Confirm(at, "system")
			case "waitlist":
				err = b.Waitlist(at, "system")
			case "promote":
				err = b.Promote(at, "system")
			case "cancel":
				err = b.Cancel(at, "user-1", "plans changed")
			}
			if s.code == "" && err != nil {
				t.Errorf("%s: step %d %s: %v", c.name, i, s.op, err)
			}
			if s.code != "" {
				wantKindCode(t, c.name+": "+s.op, err, domain.KindFailedPrecondition, s.code)
			}
		}
		tl, ob := bookingTypes(b)
		if b.Status() != c.final || !slices.Equal(tl, c.events) || !slices.Equal(ob, c.events) {
			t.Errorf("%s: %s %v %v", c.name, b.Status(), tl, ob)
		}
		if b.Holds() != (c.final == rail.BookingConfirmed) {
			t.Errorf("%s: holds %v", c.name, b.Holds())
		}
	}
	for _, from := range []rail.BookingStatus{rail.BookingRequested, rail.BookingWaitlisted, rail.BookingConfirmed, rail.BookingCancelled} {
		for _, to := range []rail.BookingStatus{rail.BookingRequested, rail.BookingWaitlisted, rail.BookingConfirmed, rail.BookingCancelled} {
			want := (from == rail.BookingRequested && to != rail.BookingRequested) ||
				(from == rail.BookingWaitlisted && (to == rail.BookingConfirmed || to == rail.BookingCancelled)) ||
				(from == rail.BookingConfirmed && to == rail.BookingCancelled)
			if rail.CanMove(from, to) != want {
				t.Errorf("CanMove(%s, %s) = %v", from, to, !want)
			}
		}
	}
	b := newBooking(t, nil)
	_ = b.Waitlist(b0.Add(time.Hour), "s")
	_ = b.Promote(b0.Add(2*time.Hour), "s")
	if w, c := b.WaitlistedAt(), b.ConfirmedAt(); w == nil || c == nil || !w.Equal(b0.Add(time.Hour)) || !c.Equal(b0.Add(2*time.Hour)) {
		t.Errorf("times %v %v", w, c)
	}
}

func TestLoadContainer(t *testing.T) {
	b := newBooking(t, nil) // 2 × 40HQ, 2 × 20GP
	box := func(no string, typ rail.ContainerType) rail.LoadedContainer {
		return rail.LoadedContainer{ContainerNo: no, Type: typ, SealNo: "SL" + no[4:], ParcelIDs: []string{"pcl_1"}}
	}
	wantKindCode(t, "requested booking", b.LoadContainer(box("CSQU3054383", rail.Type40HQ), b0, "u"),
		domain.KindFailedPrecondition, "booking_not_confirmed")
	if err := b.Confirm(b0, "s"); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		c    rail.LoadedContainer
		kind domain.Kind
		code string
	}{
		{"first 40HQ, written loosely", rail.LoadedContainer{ContainerNo: " csqu 305438 3", Type: "40hq", SealNo: "SL1"}, "", ""},
		{"same box again, same facts", rail.LoadedContainer{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "SL1"}, "", ""},
		{"same box, other seal", rail.LoadedContainer{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "SL2"},
			domain.KindConflict, "duplicate_container"},
		{"bad check digit", box("MSCU1234567", rail.Type40HQ), domain.KindInvalid, "invalid_container_no"},
		{"second 40HQ", box("MSCU1234566", rail.Type40HQ), "", ""},
		{"third 40HQ", box("TGHU1234567", rail.Type40HQ), domain.KindConflict, "containers_exhausted"},
		{"a type not booked", box("TGHU1234567", rail.Type40RF), domain.KindConflict, "containers_exhausted"},
		{"unknown type", box("TGHU1234567", "53HC"), domain.KindInvalid, "invalid_container_type"},
		{"no seal", rail.LoadedContainer{ContainerNo: "MAEU0000013", Type: rail.Type20GP}, domain.KindInvalid, "required"},
		{"20 ft box too heavy", rail.LoadedContainer{ContainerNo: "MAEU0000013", Type: rail.Type20GP, SealNo: "S", GrossKg: 24_001},
			domain.KindInvalid, "over_weight"},
		{"first 20GP at the limit", rail.LoadedContainer{ContainerNo: "MAEU0000013", Type: rail.Type20GP, SealNo: "S", GrossKg: 24_000}, "", ""},
		{"second 20GP", box("CMAU1234564", rail.Type20GP), "", ""},
		{"third 20GP", box("TCLU1234568", rail.Type20GP), domain.KindConflict, "containers_exhausted"},
	}
	for _, s := range steps {
		err := b.LoadContainer(s.c, b0.Add(time.Hour), "yard")
		if s.code == "" && err != nil {
			t.Errorf("%s: %v", s.name, err)
		}
		if s.code != "" {
			wantKindCode(t, s.name, err, s.kind, s.code)
		}
	}
	var err error = b.LoadContainer(rail.LoadedContainer{ContainerNo: "XX", Type: "?", GrossKg: -1}, b0, "yard")
	wantFields(t, "all problems at once", err, "containerNo:invalid_container_no", "type:invalid_container_type",
		"sealNo:required", "grossKg:over_weight")
	loaded := b.Loaded()
	if len(loaded) != 4 || loaded[0].ContainerNo != "CSQU3054383" || loaded[0].Type != rail.Type40HQ || !loaded[0].LoadedAt.Equal(b0.Add(time.Hour)) {
		t.Errorf("loaded %+v", loaded)
	}
	if b.ContainersLeft(rail.Type40HQ) != 0 || b.ContainersLeft(rail.Type20GP) != 0 || b.ContainersLeft(rail.Type40RF) != 0 {
		t.Error("containers left")
	}
	loaded[1].ParcelIDs[0] = "changed"
	if b.Loaded()[1].ParcelIDs[0] != "pcl_1" {
		t.Error("Loaded aliases the booking")
	}
	if tl, _ := bookingTypes(b); len(tl) != 2+4 || tl[5] != rail.EventContainerLoaded {
		t.Errorf("timeline %v", tl)
	}
	wantKindCode(t, "cancel with containers", b.Cancel(b0, "u", ""), domain.KindFailedPrecondition, "containers_loaded")
}

func TestPromotionOrder(t *testing.T) {
	slot := func(id string, teu int, kg int64, at time.Time) rail.Slot {
		return rail.Slot{Booking: id, TEU: teu, Kg: kg, At: at}
	}
	waiting := []rail.Slot{
		slot("b-late", 2, 10_000, b0.Add(3*time.Hour)),
		slot("b-big", 10, 100_000, b0.Add(time.Hour)), // first, 10 TEU: does not fit in 6
		slot("b-tie", 2, 10_000, b0.Add(2*time.Hour)), // same time as b-mid, id after it: 2 TEU fits
		slot("b-mid", 4, 40_000, b0.Add(2*time.Hour)), // 4 TEU fits
	}
	c := rail.Capacity{CapacityTEU: 110, ConfirmedTEU: 104, MaxCargoKg: 1_300_000, CargoKg: 1_000_000}
	ids := func(slots []rail.Slot) []string {
		var out []string
		for _, s := range slots {
			out = append(out, s.Booking)
		}
		return out
	}
	if got := ids(rail.PromotionOrder(waiting, c)); !slices.Equal(got, []string{"b-mid", "b-tie"}) {
		t.Errorf("promote %v", got)
	}
	c.CargoKg = 1_280_000 // 20 t free: only what weighs ≤ 20 t, in order
	if got := ids(rail.PromotionOrder(waiting, c)); !slices.Equal(got, []string{"b-tie", "b-late"}) {
		t.Errorf("promote by weight %v", got)
	}
}

func TestBookingSnapshotRoundTrip(t *testing.T) {
	b := newBooking(t, nil)
	_ = b.Waitlist(b0.Add(time.Hour), "s")
	_ = b.Promote(b0.Add(2*time.Hour), "s")
	if err := b.LoadContainer(rail.LoadedContainer{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "S1",
		ParcelIDs: []string{"p1"}, DeclarationIDs: []string{"d1"}}, b0.Add(3*time.Hour), "yard"); err != nil {
		t.Fatal(err)
	}
	r := b.Snapshot()
	back := rail.BookingFromDatabase(r)
	if !reflect.DeepEqual(back.Snapshot(), r) || len(back.Outbox()) != 0 || back.Version() != 0 {
		t.Errorf("round trip:\n%+v\n%+v", back.Snapshot(), r)
	}
	if err := back.LoadContainer(rail.LoadedContainer{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "S1",
		ParcelIDs: []string{"p1"}, DeclarationIDs: []string{"d1"}}, b0.Add(4*time.Hour), "yard"); err != nil {
		t.Errorf("repeat after reload: %v", err)
	}
	if err := back.Cancel(b0, "u", ""); domain.CodeOf(err) != "containers_loaded" {
		t.Errorf("cancel after reload: %v", err)
	}
}

func TestBookingConsigneeAndMovements(t *testing.T) {
	req := rail.BookingRequest{DepartureID: "dep_XXO_20240607", BookedBy: "org_a", ExporterID: "org_a",
		Containers: []rail.ContainerRequest{{Type: rail.Type40HQ, Count: 1}}, GrossKg: 9000, CargoDescription: "parts",
		Consignee: &rail.Consignee{Name: "  Duisport GmbH ", Country: "deu"}}
	b, err := rail.NewBooking("bkg_1", req, cst(2024, 5, 20, 9, 0), "org_a")
	if err != nil {
		t.Fatal(err)
	}
	if c := b.Consignee(); c == nil || c.Name != "Duisport GmbH" || c.Country != "DE" {
		t.Fatalf("consignee %+v", c)
	}
	req.Consignee = &rail.Consignee{Country: "XX", Address: string(make([]byte, 301))}
	_, err = rail.ValidateBookingRequest(req)
	wantFields(t, "bad consignee", err, "consignee.name:required", "consignee.address:too_long", "consignee.country:invalid_country")

	e := rail.Event{Type: rail.EventDeparted, At: cst(2024, 6, 7, 10, 0), Location: "XIANGYANG"}
	b.RecordMovement(e, "operator")
	b.RecordMovement(e, "operator")
	tl := b.Timeline()
	if len(tl) != 2 || tl[1].Type != rail.EventBookingMovement || tl[1].Detail != "departed at XIANGYANG" {
		t.Fatalf("timeline %+v", tl)
	}
	if ob := b.Outbox(); len(ob) != 2 || ob[1].Data["movement"] != "departed" {
		t.Fatalf("outbox %+v", ob)
	}
}

func TestUnloadContainer(t *testing.T) {
	b := newBooking(t, nil)
	_ = b.Confirm(b0, "u")
	c := rail.LoadedContainer{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "S1", ParcelIDs: []string{"p1"}}
	if err := b.LoadContainer(c, b0.Add(time.Hour), "yard"); err != nil {
		t.Fatal(err)
	}
	b.UnloadContainer("MSKU1234565", b0.Add(2*time.Hour), "yard", "") // not on it: nothing happens
	if len(b.Loaded()) != 1 {
		t.Fatal("unloaded a container the booking does not have")
	}
	b.UnloadContainer(" csqu3054383 ", b0.Add(2*time.Hour), "yard", "train cancelled")
	tl := b.Timeline()
	if len(b.Loaded()) != 0 || tl[len(tl)-1].Type != rail.EventContainerUnloaded || tl[len(tl)-1].Detail != "unloaded CSQU3054383: train cancelled" {
		t.Fatalf("after unloading: %v, %+v", b.Loaded(), tl[len(tl)-1])
	}
	if err := b.Cancel(b0.Add(3*time.Hour), "u", ""); err != nil {
		t.Fatalf("cancel after unloading: %v", err)
	}
}

func TestTakeOutParcel(t *testing.T) {
	b := newBooking(t, nil)
	_ = b.Confirm(b0, "u")
	c := rail.LoadedContainer{ContainerNo: "CSQU3054383", Type: rail.Type40HQ, SealNo: "S1", GrossKg: 9000, ParcelIDs: []string{"p1", "p2"}}
	if err := b.LoadContainer(c, b0.Add(time.Hour), "yard"); err != nil {
		t.Fatal(err)
	}
	teu, kg := b.TEU(), b.GrossKg()
	if b.TakeOutParcel("MSKU1234565", "p1", 12, b0.Add(2*time.Hour), "customs", "") || b.TakeOutParcel("CSQU3054383", "p9", 12, b0.Add(2*time.Hour), "customs", "") {
		t.Fatal("took a parcel out of a container that does not hold it")
	}
	if !b.TakeOutParcel(" csqu3054383 ", "p1", 11.6, b0.Add(2*time.Hour), "customs", "release withdrawn") {
		t.Fatal("p1 not taken out")
	}
	l := b.Loaded()[0]
	if !slices.Equal(l.ParcelIDs, []string{"p2"}) || l.GrossKg != 9000-12 || b.TEU() != teu || b.GrossKg() != kg {
		t.Fatalf("after taking p1 out: %+v, %d TEU, %d kg booked", l, b.TEU(), b.GrossKg())
	}
	tl := b.Timeline()
	if tl[len(tl)-1].Type != rail.EventParcelTakenOut || tl[len(tl)-1].Detail != "parcel p1 taken out of CSQU3054383: release withdrawn" {
		t.Fatalf("timeline %+v", tl[len(tl)-1])
	}
	if b.TakeOutParcel("CSQU3054383", "p1", 11.6, b0.Add(3*time.Hour), "customs", "again") {
		t.Fatal("a repeat changed the booking")
	}
}
