package customs

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// Month is a calendar month in China time, the period a summary application (CEB701) covers.
// The zero Month is "no month". As text it is "2026-11".
type Month struct {
	year  int
	month time.Month
}

// ParseMonth reads "YYYY-MM" (year 2000-9999, month 01-12). A summary is filed after its month
// closes, so a month not yet ended at now (China time) is refused too. Codes: invalid_month,
// month_not_closed.
func ParseMonth(s string, now time.Time) (Month, error) {
	m, err := parseMonth(strings.TrimSpace(s))
	if err != nil {
		return Month{}, err
	}
	if !m.Closed(now) {
		return Month{}, domain.InvalidField("month", "month_not_closed",
			"month "+m.String()+" has not ended yet: a summary is filed after the month closes")
	}
	return m, nil
}

func parseMonth(s string) (Month, error) {
	bad := domain.InvalidField("month", "invalid_month", `a month is written "YYYY-MM", e.g. "2026-11"`)
	if len(s) != 7 || s[4] != '-' || !allDigits(s[:4]) || !allDigits(s[5:]) {
		return Month{}, bad
	}
	y, _ := strconv.Atoi(s[:4])
	mo, _ := strconv.Atoi(s[5:])
	if y < 2000 || mo < 1 || mo > 12 {
		return Month{}, bad
	}
	return Month{year: y, month: time.Month(mo)}, nil
}

// NewMonth is the month of year and month (which must be 1..12; else the zero Month).
func NewMonth(year int, month time.Month) Month {
	if month < time.January || month > time.December || year < 1 || year > 9999 {
		return Month{}
	}
	return Month{year: year, month: month}
}

// MonthOf is the China-time month t falls in.
func MonthOf(t time.Time) Month {
	c := t.In(chinaTime)
	return Month{year: c.Year(), month: c.Month()}
}

// IsZero reports whether m is the zero Month.
func (m Month) IsZero() bool { return m.year == 0 }

// Year is the month's year.
func (m Month) Year() int { return m.year }

// Month is the month of the year.
func (m Month) Month() time.Month { return m.month }

// String is "YYYY-MM", or "" for the zero Month.
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return strconv.Itoa(m.year) + "-" + pad2(int(m.month))
}

// Start is the first instant of the month: the 1st, 00:00:00 China time.
func (m Month) Start() time.Time { return time.Date(m.year, m.month, 1, 0, 0, 0, 0, chinaTime) }

// End is the first instant after the month (exclusive): the next month's Start.
func (m Month) End() time.Time { return m.Next().Start() }

// LastSecond is the month's last second, 23:59:59 on its last day: CEB701's endTime.
func (m Month) LastSecond() time.Time { return m.End().Add(-time.Second) }

// Next is the following month.
func (m Month) Next() Month {
	if m.month == time.December {
		return Month{year: m.year + 1, month: time.January}
	}
	return Month{year: m.year, month: m.month + 1}
}

// Deadline is when the month's summary must have been filed: the 15th of the next month,
// 23:59:59 China time.
func (m Month) Deadline() time.Time {
	n := m.Next()
	return time.Date(n.year, n.month, 15, 23, 59, 59, 0, chinaTime)
}

// Contains reports whether t falls in the month (China time).
func (m Month) Contains(t time.Time) bool { return !t.Before(m.Start()) && t.Before(m.End()) }

// Closed reports whether the month has ended at t.
func (m Month) Closed(t time.Time) bool { return !t.Before(m.End()) }

// MarshalText writes "YYYY-MM".
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText reads "YYYY-MM" ("" is the zero Month). Unlike ParseMonth it does not ask
// whether the month has ended: stored summaries keep their month.
func (m *Month) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = Month{}
		return nil
	}
	v, err := parseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// SummaryItem is one inventory list in a summary: our declaration id and customs' invtNo.
type SummaryItem struct {
	DeclarationID string `json:"declarationId"`
	InvtNo        string `json:"invtNo"`
}

// SummaryGroup is a set of inventory lists that one summary application covers. The summary
// rules group by exporter (ebc), declaring agent, trade mode, declaring district, exit district,
// destination country and currency; names are taken from the group's first list.
type SummaryGroup struct {
	Month       Month         `json:"month"`
	ExporterID  string        `json:"exporterId"`
	AgentCode   string        `json:"agentCode"`
	AgentName   string        `json:"agentName"`
	EbcCode     string        `json:"ebcCode"`
	EbcName     string        `json:"ebcName"`
	TradeMode   string        `json:"tradeMode"`
	CustomsCode string        `json:"customsCode"`
	PortCode    string        `json:"portCode"`
	Country     string        `json:"country"`  // destination, ISO alpha-2
	Currency    string        `json:"currency"` // ISO 4217
	Lists       []SummaryItem `json:"lists"`    // sorted by invtNo
}

type groupKey struct {
	exporterID, agentCode, tradeMode, customsCode, portCode, country, currency string
}

// Summarisable reports whether an inventory list may go into a summary: released or cleared
// (not cancelled), statisticsFlag B, customs' invtNo known, and not already in a summary.
func (d *Declaration) Summarisable() bool {
	return d.kind == KindInventory && d.Released() && d.inventory != nil &&
		d.inventory.StatisticsFlag == StatisticsSummarised && d.invtNo != "" && d.summaryID == ""
}

// GroupForSummary picks, from lists, the inventory lists a summary of month should cover —
// Summarisable ones released (ReleasedAt) within the month — and groups them as the summary
// rules require: one group per (exporter, agent, tradeMode, customsCode, portCode, destination
// country, currency). Anything else in lists (other kinds, other months, statisticsFlag A,
// cancelled, already summarised, repeated) is left out. Groups come sorted by their key, lists
// within a group by invtNo, so that the result does not depend on the order of lists.
func GroupForSummary(lists []*Declaration, month Month) []SummaryGroup {
	groups := map[groupKey]*SummaryGroup{}
	seen := map[string]bool{}
	for _, d := range lists {
		if d == nil || !d.Summarisable() || !month.Contains(d.releasedAt) || seen[d.id] {
			continue
		}
		seen[d.id] = true
		in := d.inventory
		k := groupKey{
			exporterID: d.exporterID, agentCode: in.Parties.AgentCode, tradeMode: in.Parcel.TradeMode,
			customsCode: in.CustomsCode, portCode: in.PortCode, country: in.Parcel.DestinationCountry,
			currency: in.Parcel.Currency,
		}
		g := groups[k]
		if g == nil {
			g = &SummaryGroup{
				Month: month, ExporterID: k.exporterID, AgentCode: k.agentCode, TradeMode: k.tradeMode,
				CustomsCode: k.customsCode, PortCode: k.portCode, Country: k.country, Currency: k.currency,
			}
			groups[k] = g
		}
		g.Lists = append(g.Lists, SummaryItem{DeclarationID: d.id, InvtNo: d.invtNo})
	}
	byID := map[string]*Declaration{}
	for _, d := range lists {
		if d != nil && seen[d.id] {
			byID[d.id] = d
		}
	}
	out := make([]SummaryGroup, 0, len(groups))
	for _, g := range groups {
		slices.SortFunc(g.Lists, func(a, b SummaryItem) int {
			return cmp.Or(strings.Compare(a.InvtNo, b.InvtNo), strings.Compare(a.DeclarationID, b.DeclarationID))
		})
		first := byID[g.Lists[0].DeclarationID].inventory.Parties
		g.AgentName, g.EbcCode, g.EbcName = first.AgentName, first.EbcCode, first.EbcName
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b SummaryGroup) int {
		return cmp.Or(
			strings.Compare(a.ExporterID, b.ExporterID), strings.Compare(a.AgentCode, b.AgentCode),
			strings.Compare(a.TradeMode, b.TradeMode), strings.Compare(a.CustomsCode, b.CustomsCode),
			strings.Compare(a.PortCode, b.PortCode), strings.Compare(a.Country, b.Country),
			strings.Compare(a.Currency, b.Currency))
	})
	return out
}

// SummaryInput is what the app passes to file a summary: who files, one group from
// GroupForSummary, and the declaring agent of the declarations the summary will produce.
type SummaryInput struct {
	FilerID       string
	Group         SummaryGroup
	DeclAgentCode string // the broker that will declare the resulting declarations
	DeclAgentName string
	LoctNo        string // supervised site, when the district has several
	SummaryFlag   string // "1" by exporter (default), "2" by exporter and producer
}

// Summary is the checked content of a summary application (汇总申请, CEB701). Customs assigns
// the summary number (sumNo) and returns it in the receipts; our own id of the message is the
// copNo given at Submit.
type Summary struct {
	Month         Month         `json:"month"`
	CustomsCode   string        `json:"customsCode"`
	PortCode      string        `json:"portCode"`
	TradeMode     string        `json:"tradeMode"`
	Country       string        `json:"country"`
	Currency      string        `json:"currency"`
	AgentCode     string        `json:"agentCode"`
	AgentName     string        `json:"agentName"`
	EbcCode       string        `json:"ebcCode"`
	EbcName       string        `json:"ebcName"`
	DeclAgentCode string        `json:"declAgentCode"`
	DeclAgentName string        `json:"declAgentName"`
	LoctNo        string        `json:"loctNo,omitempty"`
	SummaryFlag   string        `json:"summaryFlag"`
	StartTime     time.Time     `json:"startTime"` // the month's first second (China time)
	EndTime       time.Time     `json:"endTime"`   // the month's last second
	Lists         []SummaryItem `json:"lists"`
}

func (s Summary) clone() Summary {
	c := s
	c.Lists = slices.Clone(s.Lists)
	return c
}

// InvtNos are the summarised lists' numbers, as CEB701 lists them.
func (s Summary) InvtNos() []string {
	out := make([]string, len(s.Lists))
	for i, l := range s.Lists {
		out[i] = l.InvtNo
	}
	return out
}

// ValidateSummary checks a summary input and returns its content. at is the filing time: the
// month must have ended by then (FailedPrecondition month_not_closed). A summary filed after
// the month's Deadline is still accepted (customs wants it all the same); Declaration.Late
// tells. Codes: required, too_long, invalid_party_code / invalid_uscc / invalid_customs_code,
// invalid_summary_flag, duplicate_list, month_not_closed.
func ValidateSummary(in SummaryInput, at time.Time) (Summary, error) {
	g := in.Group
	var v domain.Violations
	s := Summary{
		Month: g.Month, CustomsCode: g.CustomsCode, PortCode: g.PortCode, TradeMode: g.TradeMode,
		Country: g.Country, Currency: g.Currency, AgentCode: upper(g.AgentCode),
		AgentName: strings.TrimSpace(g.AgentName), EbcCode: upper(g.EbcCode), EbcName: strings.TrimSpace(g.EbcName),
		DeclAgentCode: upper(in.DeclAgentCode), DeclAgentName: strings.TrimSpace(in.DeclAgentName),
		LoctNo: strings.TrimSpace(in.LoctNo), SummaryFlag: strings.TrimSpace(in.SummaryFlag),
		Lists: slices.Clone(g.Lists),
	}
	if g.Month.IsZero() {
		v.Add("month", "required", "month is required")
	}
	checkText(&v, "exporterId", strings.TrimSpace(g.ExporterID), true, 64)
	checkDistrict(&v, "customsCode", s.CustomsCode)
	checkDistrict(&v, "portCode", s.PortCode)
	checkText(&v, "tradeMode", s.TradeMode, true, 4)
	checkPartyCode(&v, "agentCode", s.AgentCode, true)
	checkText(&v, "agentName", s.AgentName, true, MaxPartyName)
	checkPartyCode(&v, "ebcCode", s.EbcCode, true)
	checkText(&v, "ebcName", s.EbcName, true, MaxPartyName)
	checkPartyCode(&v, "declAgentCode", s.DeclAgentCode, true)
	checkText(&v, "declAgentName", s.DeclAgentName, true, MaxPartyName)
	checkText(&v, "loctNo", s.LoctNo, false, MaxLoctNo)
	switch s.SummaryFlag {
	case "":
		s.SummaryFlag = "1"
	case "1", "2":
	default:
		v.Add("summaryFlag", "invalid_summary_flag", `summaryFlag is "1" (by exporter) or "2" (by exporter and producer)`)
	}
	if len(s.Lists) == 0 {
		v.Add("lists", "required", "a summary covers at least one inventory list")
	}
	seen := map[string]bool{}
	for i, l := range s.Lists {
		p := index("lists", i)
		checkText(&v, p+".declarationId", l.DeclarationID, true, 64)
		checkText(&v, p+".invtNo", l.InvtNo, true, MaxInvtNo)
		if seen[l.InvtNo] || seen["id:"+l.DeclarationID] {
			v.Add(p, "duplicate_list", "the list appears twice in the summary")
		}
		seen[l.InvtNo], seen["id:"+l.DeclarationID] = true, true
	}
	if err := v.Err(); err != nil {
		return Summary{}, err
	}
	if !g.Month.Closed(at) {
		return Summary{}, domain.Errorf(domain.KindFailedPrecondition, "month_not_closed",
			"month %s has not ended yet: a summary is filed after the month closes", g.Month)
	}
	s.StartTime, s.EndTime = g.Month.Start(), g.Month.LastSecond()
	return s, nil
}

// SummaryResult is what a finished summary produced: customs' summary number, the customs
// declarations it generated (CEB792 entryIds), and the inventory lists it covered — for the app
// to mark them (Declaration.MarkSummarised).
type SummaryResult struct {
	SumNo    string        `json:"sumNo"`
	EntryIDs []string      `json:"entryIds"`
	Lists    []SummaryItem `json:"lists"`
}
