package customs_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

func TestParseMonth(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, cst) // November has just ended in China
	m, err := customs.ParseMonth(" 2026-11 ", now)
	if err != nil || m.String() != "2026-11" || m.Year() != 2026 || m.Month() != time.November {
		t.Fatalf("ParseMonth = %v, %v", m, err)
	}
	if !m.Start().Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, cst)) || !m.End().Equal(now) ||
		!m.LastSecond().Equal(time.Date(2026, 11, 30, 23, 59, 59, 0, cst)) {
		t.Errorf("bounds %v %v %v", m.Start(), m.End(), m.LastSecond())
	}
	if d := m.Deadline(); !d.Equal(time.Date(2026, 12, 15, 23, 59, 59, 0, cst)) || d.UTC().Hour() != 15 {
		t.Errorf("deadline %v", d)
	}
	dec, _ := customs.ParseMonth("2025-12", now)
	if !dec.Deadline().Equal(time.Date(2026, 1, 15, 23, 59, 59, 0, cst)) || dec.Next().String() != "2026-01" {
		t.Errorf("December: deadline %v next %v", dec.Deadline(), dec.Next())
	}
	feb, _ := customs.ParseMonth("2024-02", now)
	if !feb.LastSecond().Equal(time.Date(2024, 2, 29, 23, 59, 59, 0, cst)) {
		t.Errorf("leap February ends %v", feb.LastSecond())
	}
	// one nanosecond before the end, in UTC: not closed
	if _, err := customs.ParseMonth("2026-11", now.Add(-time.Nanosecond).UTC()); domain.CodeOf(err) != "month_not_closed" {
		t.Errorf("open month: %v", err)
	}
	if _, err := customs.ParseMonth("2026-12", now); domain.CodeOf(err) != "month_not_closed" {
		t.Errorf("current month: %v", err)
	}
	if _, err := customs.ParseMonth("2027-01", now); domain.CodeOf(err) != "month_not_closed" {
		t.Errorf("future month: %v", err)
	}
	for _, s := range []string{"", "2026-13", "2026-00", "2026-1", "2026/11", "26-11", "2026-11-01", "1999-12",
		"２０２６-11", "2026-1a", "-026-11"} {
		_, err := customs.ParseMonth(s, now)
		if domain.CodeOf(err) != "invalid_month" || domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("ParseMonth(%q) = %v", s, err)
		}
	}
}

func TestMonthHelpers(t *testing.T) {
	m := customs.NewMonth(2026, time.November)
	if m.IsZero() || m.String() != "2026-11" || (customs.Month{}).String() != "" || !customs.NewMonth(2026, 13).IsZero() {
		t.Errorf("NewMonth %v", m)
	}
	// China midnight decides the month, not UTC
	if got := customs.MonthOf(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC)); got != m {
		t.Errorf("MonthOf = %v", got)
	}
	if !m.Contains(m.Start()) || m.Contains(m.End()) || !m.Contains(m.LastSecond()) || m.Contains(m.Start().Add(-1)) {
		t.Error("Contains bounds")
	}
	if m.Closed(m.LastSecond()) || !m.Closed(m.End()) {
		t.Error("Closed bounds")
	}
	b, _ := json.Marshal(struct {
		M customs.Month `json:"m"`
	}{m})
	if string(b) != `{"m":"2026-11"}` {
		t.Errorf("JSON %s", b)
	}
	var back struct {
		M customs.Month `json:"m"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.M != m {
		t.Errorf("unmarshal %v %v", back.M, err)
	}
	if err := json.Unmarshal([]byte(`{"m":"2026-13"}`), &back); domain.CodeOf(err) != "invalid_month" {
		t.Errorf("unmarshal bad: %v", err)
	}
	if err := json.Unmarshal([]byte(`{"m":""}`), &back); err != nil || !back.M.IsZero() {
		t.Errorf("unmarshal empty: %v %v", back.M, err)
	}
}

func guidN(n int) string { return fmt.Sprintf("%08X-0000-4000-8000-%012X", n, n) }

// released makes inventory list n released at rel, after edit changed its input.
func released(t *testing.T, n int, rel time.Time, edit func(*customs.InventoryInput)) *customs.Declaration {
	t.Helper()
	in := inventoryInput(t)
	if edit != nil {
		edit(&in)
	}
	d, err := customs.NewInventory(fmt.Sprintf("dec-%03d", n), in, rel.Add(-time.Hour), in.FilerID)
	if err != nil {
		t.Fatal(err)
	}
	g := guidN(n)
	if err := d.Submit(g, fmt.Sprintf("SG%04d", n), []byte("<x/>"), rel.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	invt, _ := customs.FormatInvtNo("4700", 2026, int64(n))
	for i, c := range []string{"120", "800"} {
		r := customs.Receipt{Message: "CEB604", GUID: g, ReturnStatus: c, ReturnTime: rel.Add(time.Duration(i-1) * time.Minute), InvtNo: invt}
		if _, err := d.ApplyReceipt(r, rel); err != nil {
			t.Fatal(err)
		}
	}
	if !d.Released() || !d.ReleasedAt().Equal(rel) {
		t.Fatalf("list %d: %s released %v", n, d.Status(), d.ReleasedAt())
	}
	return d
}

func exporter(id, ebc string) func(*customs.InventoryInput) {
	return func(in *customs.InventoryInput) {
		in.ExporterID, in.Parcel.ExporterID, in.Parties.EbcCode = id, id, ebc
	}
}

func TestGroupForSummary(t *testing.T) {
	nov := customs.NewMonth(2026, time.November)
	mid := time.Date(2026, 11, 15, 10, 0, 0, 0, cst)
	var lists []*customs.Declaration
	add := func(d *customs.Declaration) *customs.Declaration { lists = append(lists, d); return d }

	a1 := add(released(t, 1, mid, nil))
	a2 := add(released(t, 2, nov.Start(), nil))             // first instant of the month
	a3 := add(released(t, 3, nov.LastSecond(), nil))        // last second
	add(released(t, 4, nov.End(), nil))                     // December: out
	add(released(t, 5, nov.Start().Add(-time.Second), nil)) // October: out
	b1 := add(released(t, 6, mid, exporter("org-exporter-2", "4206930003")))
	c1 := add(released(t, 7, mid, func(in *customs.InventoryInput) { in.Parties.AgentCode = "4206980002" }))
	d1 := add(released(t, 8, mid, func(in *customs.InventoryInput) { in.PortCode = "4702" }))
	e1 := add(released(t, 9, mid, func(in *customs.InventoryInput) { in.CustomsCode = "4701" }))
	f1 := add(released(t, 10, mid, func(in *customs.InventoryInput) {
		in.Parcel.DestinationCountry, in.Parcel.Consignee.Country = "DE", "DE"
	}))
	g1 := add(released(t, 11, mid, func(in *customs.InventoryInput) { in.Parcel.Currency = "USD" }))
	h1 := add(released(t, 12, mid, func(in *customs.InventoryInput) {
		in.Parcel = parcelFields(t, parcel.TradeMode1210)
		in.Parties.IacCode, in.Parties.IacName = iacCode, "综保区仓储有限公司"
	}))
	add(released(t, 13, mid, func(in *customs.InventoryInput) { in.StatisticsFlag = "A" })) // simplified: out
	cancelled := add(released(t, 14, mid, nil))
	if err := cancelled.CancelledBy("dec-cancel", mid); err != nil {
		t.Fatal(err)
	}
	inSummary := add(released(t, 15, mid, nil))
	if err := inSummary.AssignToSummary("dec-sum-0", mid, "x"); err != nil {
		t.Fatal(err)
	}
	cleared := add(released(t, 16, mid, nil))
	r := customs.Receipt{Message: "CEB604", GUID: guidN(16), ReturnStatus: "899", ReturnTime: mid.Add(time.Hour)}
	if _, err := cleared.ApplyReceipt(r, mid); err != nil || cleared.Status() != customs.StatusCleared {
		t.Fatal(err)
	}
	add(inStatus(t, customs.StatusAccepted)) // not released: out
	add(nil)
	add(a1) // twice: once
	entry, _ := customs.NewEntry("dec-e", "b", "org-exporter-1", validEntryDraft(), mid, "b")
	add(entry) // not an inventory list: out

	groups := customs.GroupForSummary(lists, nov)
	ids := func(g customs.SummaryGroup) []string {
		var out []string
		for _, l := range g.Lists {
			out = append(out, l.DeclarationID)
		}
		return out
	}
	want := map[string][]string{
		"base":       {a1.ID(), a2.ID(), a3.ID(), cleared.ID()},
		"exporter":   {b1.ID()},
		"agent":      {c1.ID()},
		"port":       {d1.ID()},
		"customs":    {e1.ID()},
		"country":    {f1.ID()},
		"currency":   {g1.ID()},
		"trade mode": {h1.ID()},
	}
	if len(groups) != len(want) {
		for _, g := range groups {
			t.Logf("group %s %s %s %s %s %s %s: %v", g.ExporterID, g.AgentCode, g.TradeMode, g.CustomsCode, g.PortCode, g.Country, g.Currency, ids(g))
		}
		t.Fatalf("%d groups, want %d", len(groups), len(want))
	}
	found := map[string]bool{}
	for _, g := range groups {
		for name, w := range want {
			if slices.Equal(ids(g), w) {
				found[name] = true
			}
		}
		if g.Month != nov || g.AgentName == "" || g.EbcName == "" || g.EbcCode == "" {
			t.Errorf("group head %+v", g)
		}
		for i := 1; i < len(g.Lists); i++ {
			if g.Lists[i-1].InvtNo >= g.Lists[i].InvtNo {
				t.Errorf("lists not sorted: %v", g.Lists)
			}
		}
	}
	if len(found) != len(want) {
		t.Errorf("found %v", found)
	}
	base := groups[slices.IndexFunc(groups, func(g customs.SummaryGroup) bool {
		return g.Lists[0].DeclarationID == a1.ID() || g.Lists[0].DeclarationID == a2.ID()
	})]
	if base.ExporterID != "org-exporter-1" || base.AgentCode != brokerCode || base.TradeMode != "9610" ||
		base.CustomsCode != "4700" || base.PortCode != "4701" || base.Country != "PL" || base.Currency != "EUR" ||
		base.EbcCode != exporterCode || base.Lists[0].InvtNo != "47002026E000000001" {
		t.Errorf("base group %+v", base)
	}

	// the order of the input does not matter
	for seed := uint64(1); seed <= 20; seed++ {
		shuffled := slices.Clone(lists)
		rand.New(rand.NewPCG(seed, 7)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if again := customs.GroupForSummary(shuffled, nov); !reflect.DeepEqual(again, groups) {
			t.Fatalf("seed %d: grouping depends on the input order", seed)
		}
	}
	if got := customs.GroupForSummary(lists, customs.NewMonth(2026, time.September)); len(got) != 0 {
		t.Errorf("September: %v", got)
	}
	if got := customs.GroupForSummary(nil, nov); len(got) != 0 {
		t.Errorf("nothing: %v", got)
	}
}

func summaryInput(t *testing.T, lists ...*customs.Declaration) customs.SummaryInput {
	t.Helper()
	groups := customs.GroupForSummary(lists, customs.NewMonth(2026, time.November))
	if len(groups) != 1 {
		t.Fatalf("%d groups", len(groups))
	}
	return customs.SummaryInput{FilerID: "org-broker-1", Group: groups[0], DeclAgentCode: brokerCode, DeclAgentName: "襄阳报关行有限公司"}
}

func TestSummaryFlow(t *testing.T) {
	mid := time.Date(2026, 11, 15, 10, 0, 0, 0, cst)
	l1, l2 := released(t, 1, mid, nil), released(t, 2, mid.Add(time.Hour), nil)
	in := summaryInput(t, l1, l2)
	dec1 := time.Date(2026, 12, 1, 9, 0, 0, 0, cst)

	if _, err := customs.NewSummary("dec-sum", in, time.Date(2026, 11, 30, 23, 0, 0, 0, cst), "b"); domain.CodeOf(err) != "month_not_closed" ||
		domain.KindOf(err) != domain.KindFailedPrecondition {
		t.Errorf("open month: %v", err)
	}
	s, err := customs.NewSummary("dec-sum", in, dec1, "org-broker-1")
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind() != customs.KindSummary || s.ExporterID() != "org-exporter-1" || s.TradeMode() != "9610" || s.Late() {
		t.Errorf("summary %s %s %s late %v", s.Kind(), s.ExporterID(), s.TradeMode(), s.Late())
	}
	content, _ := s.Summary()
	if content.SummaryFlag != "1" || content.DeclAgentCode != brokerCode || len(content.Lists) != 2 ||
		!content.StartTime.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, cst)) ||
		!content.EndTime.Equal(time.Date(2026, 11, 30, 23, 59, 59, 0, cst)) ||
		!slices.Equal(content.InvtNos(), []string{l1.InvtNo(), l2.InvtNo()}) {
		t.Errorf("content %+v", content)
	}
	// the app reserves the lists for this summary
	for _, l := range []*customs.Declaration{l1, l2} {
		if err := l.AssignToSummary(s.ID(), dec1, "b"); err != nil {
			t.Fatal(err)
		}
		if err := l.AssignToSummary(s.ID(), dec1, "b"); err != nil {
			t.Errorf("assign again: %v", err)
		}
		wantErr(t, "other summary", l.AssignToSummary("dec-sum-2", dec1, "b"), domain.KindFailedPrecondition, "already_summarised")
		if l.Summarisable() || l.CanBeCancelled() {
			t.Error("a list in a summary is summarisable or cancellable")
		}
	}
	if got := customs.GroupForSummary([]*customs.Declaration{l1, l2}, customs.NewMonth(2026, time.November)); len(got) != 0 {
		t.Errorf("assigned lists grouped again: %v", got)
	}
	if _, ok := s.SummaryResult(); ok {
		t.Error("result before the summary finished")
	}

	// CEB702 then CEB792 in two parts
	if err := s.Submit(guid3, "C202612010001", []byte("<CEB701Message/>"), dec1); err != nil {
		t.Fatal(err)
	}
	sumNo := "S20261201000000001"
	steps := []customs.Receipt{
		{Message: "CEB702", GUID: guid3, ReturnStatus: "2", ReturnTime: dec1.Add(time.Minute), PreNo: "B20261201000000007", SumNo: sumNo},
		{Message: "CEB702", GUID: guid3, ReturnStatus: "120", ReturnTime: dec1.Add(2 * time.Minute), SumNo: sumNo},
		{Message: "CEB702", GUID: guid3, ReturnStatus: "399", ReturnTime: dec1.Add(3 * time.Minute), SumNo: sumNo},
		// The generated declaration, staged at E-Port under a temporary number: not cleared.
		{Message: "CEB792", GUID: guid3, ReturnStatus: customs.DecStateStaged, ReturnTime: dec1.Add(4 * time.Minute), SumNo: sumNo, DecTmpNo: "E20261201000000001"},
		// Declared by the broker: customs' entry number, then its state.
		{Message: "CEB792", GUID: guid3, ReturnStatus: "L", ReturnTime: dec1.Add(5 * time.Minute), SumNo: sumNo, EntryID: "470020260000000101"},
		{Message: "CEB792", GUID: guid3, ReturnStatus: "R", ReturnTime: dec1.Add(6 * time.Minute), SumNo: sumNo, EntryID: "470020260000000101"},
	}
	want := []customs.Outcome{customs.Applied, customs.Applied, customs.Applied, customs.Recorded, customs.Recorded, customs.Applied}
	for i, r := range steps {
		if out, err := s.ApplyReceipt(r, r.ReturnTime); err != nil || out != want[i] {
			t.Fatalf("%s %s: %v %v, want %s", r.Message, r.ReturnStatus, out, err, want[i])
		}
		if i == 3 && (s.DecTmpNo() != "E20261201000000001" || s.Status() != customs.StatusReviewFinished) {
			t.Fatalf("after the staged result: decTmpNo %q, %s", s.DecTmpNo(), s.Status())
		}
		if _, done := s.SummaryResult(); done != (i == 5) {
			t.Fatalf("after %s %s the summary is finished: %v", r.Message, r.ReturnStatus, done)
		}
	}
	if s.Status() != customs.StatusCleared || s.SumNo() != sumNo || s.PreNo() != "B20261201000000007" ||
		!slices.Equal(s.EntryIDs(), []string{"470020260000000101"}) {
		t.Fatalf("after CEB792: %s %s %v", s.Status(), s.SumNo(), s.EntryIDs())
	}
	// a second part of the result, same decState and opDate, another declaration
	part2 := steps[5]
	part2.EntryID = "470020260000000102"
	if out, err := s.ApplyReceipt(part2, dec1.Add(5*time.Minute)); err != nil || out != customs.Recorded {
		t.Fatalf("second part: %v %v", out, err)
	}
	if ob := s.Outbox(); ob[len(ob)-1].Type != customs.EventNumbered || ob[len(ob)-1].Data["entryId"] != "470020260000000102" {
		t.Errorf("second part event %+v", ob[len(ob)-1])
	}
	if out, _ := s.ApplyReceipt(part2, dec1.Add(6*time.Minute)); out != customs.Duplicate {
		t.Errorf("second part again: %v", out)
	}
	res, ok := s.SummaryResult()
	if !ok || res.SumNo != sumNo || !slices.Equal(res.EntryIDs, []string{"470020260000000101", "470020260000000102"}) ||
		len(res.Lists) != 2 || res.Lists[0].DeclarationID != l1.ID() {
		t.Fatalf("result %+v %v", res, ok)
	}
	// a summary receives no CEB604
	if _, err := s.ApplyReceipt(customs.Receipt{Message: "CEB604", GUID: guid3, ReturnStatus: "800", ReturnTime: dec1}, dec1); !hasFieldCode(err, "message", "unexpected_message") {
		t.Errorf("CEB604 for a summary: %v", err)
	}
	// the app marks the lists
	for _, l := range []*customs.Declaration{l1, l2} {
		if err := l.MarkSummarised(s.ID(), res.EntryIDs[:1], dec1, "b"); err != nil {
			t.Fatal(err)
		}
		if err := l.MarkSummarised(s.ID(), res.EntryIDs, dec1, "b"); err != nil {
			t.Fatal(err)
		}
		n := len(l.Outbox())
		if err := l.MarkSummarised(s.ID(), res.EntryIDs, dec1, "b"); err != nil || len(l.Outbox()) != n {
			t.Errorf("mark again: %v", err)
		}
		if !l.Summarised() || !slices.Equal(l.SummaryEntryIDs(), res.EntryIDs) || l.SummaryID() != s.ID() ||
			!l.SummarisedAt().Equal(dec1) {
			t.Errorf("list %s: %v %v", l.ID(), l.Summarised(), l.SummaryEntryIDs())
		}
		wantErr(t, "unassign finished", l.UnassignFromSummary(s.ID(), dec1, "b"), domain.KindFailedPrecondition, "already_summarised")
		wantErr(t, "mark other", l.MarkSummarised("dec-sum-2", nil, dec1, "b"), domain.KindFailedPrecondition, "not_in_summary")
	}
}

func TestSummaryAssignment(t *testing.T) {
	mid := time.Date(2026, 11, 15, 10, 0, 0, 0, cst)
	l := released(t, 1, mid, nil)
	wantErr(t, "no id", l.AssignToSummary(" ", mid, "b"), domain.KindInvalid, "required")
	if err := l.AssignToSummary("dec-sum-1", mid, "b"); err != nil {
		t.Fatal(err)
	}
	// the summary failed: the list is free again
	if err := l.UnassignFromSummary("dec-sum-1", mid, "b"); err != nil || l.SummaryID() != "" || !l.Summarisable() {
		t.Fatalf("unassign: %v %q", err, l.SummaryID())
	}
	n := len(l.Outbox())
	if err := l.UnassignFromSummary("dec-sum-1", mid, "b"); err != nil || len(l.Outbox()) != n {
		t.Errorf("unassign again: %v", err)
	}
	_, ob := types(l)
	if !slices.Contains(ob, customs.EventSummaryAssigned) || !slices.Contains(ob, customs.EventSummaryUnassigned) {
		t.Errorf("events %v", ob)
	}
	for _, s := range []customs.Status{customs.StatusAccepted, customs.StatusRejected, customs.StatusCancelled} {
		d := inStatus(t, s)
		wantErr(t, "assign "+string(s), d.AssignToSummary("dec-sum-1", mid, "b"), domain.KindFailedPrecondition, "not_summarisable")
	}
	a := released(t, 2, mid, func(in *customs.InventoryInput) { in.StatisticsFlag = "A" })
	wantErr(t, "assign flag A", a.AssignToSummary("dec-sum-1", mid, "b"), domain.KindFailedPrecondition, "not_summarisable")
	wantErr(t, "mark unassigned", a.MarkSummarised("dec-sum-1", nil, mid, "b"), domain.KindFailedPrecondition, "not_in_summary")
}

func TestValidateSummary(t *testing.T) {
	mid := time.Date(2026, 11, 15, 10, 0, 0, 0, cst)
	in := summaryInput(t, released(t, 1, mid, nil), released(t, 2, mid, nil))
	dec20 := time.Date(2026, 12, 20, 9, 0, 0, 0, cst)
	// late but accepted
	s, err := customs.NewSummary("dec-sum", in, dec20, "b")
	if err != nil || !s.Late() {
		t.Fatalf("late summary: %v late %v", err, s != nil && s.Late())
	}
	if tl := s.Timeline(); len(tl) != 1 || !strings.Contains(tl[0].Detail, "after the deadline") {
		t.Errorf("timeline %+v", tl)
	}
	cases := []struct {
		name string
		edit func(*customs.SummaryInput)
		want []fieldCode
	}{
		{"no decl agent", func(in *customs.SummaryInput) { in.DeclAgentCode, in.DeclAgentName = "", "" },
			[]fieldCode{{"declAgentCode", "required"}, {"declAgentName", "required"}}},
		{"bad decl agent", func(in *customs.SummaryInput) { in.DeclAgentCode = "123" },
			[]fieldCode{{"declAgentCode", "invalid_party_code"}}},
		{"bad flag", func(in *customs.SummaryInput) { in.SummaryFlag = "3" }, []fieldCode{{"summaryFlag", "invalid_summary_flag"}}},
		{"long loctNo", func(in *customs.SummaryInput) { in.LoctNo = "12345678901" }, []fieldCode{{"loctNo", "too_long"}}},
		{"no lists", func(in *customs.SummaryInput) { in.Group.Lists = nil }, []fieldCode{{"lists", "required"}}},
		{"repeated list", func(in *customs.SummaryInput) { in.Group.Lists = append(in.Group.Lists, in.Group.Lists[0]) },
			[]fieldCode{{"lists[2]", "duplicate_list"}}},
		{"list without number", func(in *customs.SummaryInput) { in.Group.Lists[1].InvtNo = "" },
			[]fieldCode{{"lists[1].invtNo", "required"}}},
		{"no month", func(in *customs.SummaryInput) { in.Group.Month = customs.Month{} }, []fieldCode{{"month", "required"}}},
		{"no exporter", func(in *customs.SummaryInput) { in.Group.ExporterID = "" }, []fieldCode{{"exporterId", "required"}}},
		{"bad district", func(in *customs.SummaryInput) { in.Group.CustomsCode = "47" },
			[]fieldCode{{"customsCode", "invalid_customs_district"}}},
	}
	for _, c := range cases {
		in := summaryInput(t, released(t, 1, mid, nil), released(t, 2, mid, nil))
		c.edit(&in)
		_, err := customs.ValidateSummary(in, dec20)
		if got := fieldCodes(err); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	in.FilerID = ""
	if _, err := customs.NewSummary("dec-sum", in, dec20, "b"); domain.KindOf(err) != domain.KindInternal {
		t.Errorf("no filer: %v", err)
	}
}

func containsStr(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || containsStr(s[1:], sub))
}
