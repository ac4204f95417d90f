package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// The dashboard: the home page shows, below who is signed in, the figures of app.Dashboard (the
// use case of GET /v1/dashboard) for the signed-in user's role — parcels by status, lists by
// outcome, trade value by month and destination, clearance time (distribution and weekly trend),
// the next trains with the space taken, and what waits for the user. The figures are drawn by
// assets/dashboard.js with the vendored ECharts from a JSON block of the page (no inline script:
// the CSP allows this site's files only); every chart has a table beside it, which is what a
// page without JavaScript and a screen reader read.

//go:embed assets/dashboard.js
var dashAssetFS embed.FS

func init() {
	body, err := dashAssetFS.ReadFile("assets/dashboard.js")
	if err == nil {
		sum := sha256.Sum256(body)
		assets["dashboard.js"] = asset{body: body, version: hex.EncodeToString(sum[:])[:12], mime: "text/javascript; charset=utf-8"}
	}
}

// dashAttentionKey prefixes the catalogue's name of an attention category.
const dashAttentionKey = "dash.attention."

// dashTrainsShown is how many coming departures the dashboard shows (the API's default).
const dashTrainsShown = 5

type dashData struct {
	Org        *party.Org
	Records    bool // the role sees exporters' records (operator, exporter, broker); others the trains only
	Role       party.Kind
	Exporters  int // a broker's: the exporters whose agreement holds
	AsOf       time.Time
	Incomplete bool
	KPIs       []dashKPI
	Parcels    []dashCount
	Lists      []dashCount
	Months     []dashMoney
	Countries  []dashMoney
	Buckets    []dashCount
	Weeks      []dashWeekRow
	Trains     []dashTrainRow
	Attention  []dashAttention
	Chart      dashChart // the JSON block dashboard.js draws from
}

type dashKPI struct {
	ID, Label, Value, Note string
}

type dashCount struct {
	Code, Label string
	Count       int
}

type dashMoney struct {
	Key, Label, Currency, Value string
}

type dashWeekRow struct {
	Week     string
	Released int
	P50, P90 string // bucket bounds as words; "" without releases
}

type dashTrainRow struct {
	ID, Line, Status    string
	DepartsAt           time.Time
	Capacity, Confirmed int
	Waitlisted, UsedPct int
	Free                string // the capacity, percent of the bar (waitlisted space may pass it)
	Bar                 string // the confirmed share, percent of the bar
	Waiting             string // the waitlisted share past capacity, percent of the bar
}

type dashAttention struct {
	Cat, Label, All string // All: the list of them, "" when there is none
	Count           int
	First           []dashRef
}

type dashRef struct {
	ID, Href string
	Since    time.Time
}

// dashChart is what dashboard.js draws: values and the labels in the page's language.
type dashChart struct {
	Labels    map[string]string `json:"labels"`
	Parcels   []dashPoint       `json:"parcels"`
	Lists     []dashPoint       `json:"lists"`
	Months    []string          `json:"months"`
	ByMonth   []dashSeries      `json:"byMonth"`
	Countries []string          `json:"countries"`
	ByCountry []dashSeries      `json:"byCountry"`
	Buckets   []dashPoint       `json:"buckets"`
	Weeks     []string          `json:"weeks"`
	P50       []*float64        `json:"p50"` // minutes; null for a week without releases
	P90       []*float64        `json:"p90"`
}

type dashPoint struct {
	Name  string `json:"name"`
	Code  string `json:"code"`
	Value int    `json:"value"`
}

type dashSeries struct {
	Name string    `json:"name"` // the currency
	Data []float64 `json:"data"`
}

// home is the page a user lands on: who is signed in, for which organisation, and the dashboard.
func home(r *req) error {
	org, err := r.w.uc.Parties.GetOrg(r.ctx(), r.actor, r.actor.OrgID)
	if err != nil {
		return err
	}
	d := dashData{Org: org}
	if r.w.uc.Dashboard != nil {
		v, err := r.w.uc.Dashboard.Read(r.ctx(), r.actor, app.DashboardQuery{Trains: dashTrainsShown})
		if err != nil {
			return err
		}
		d = dashboardOf(r.lang, org, v)
	}
	return r.render(fiber.StatusOK, "home", "home.title", d)
}

// dashboardOf turns the use case's figures (codes) into the page's rows and chart data.
func dashboardOf(lang Lang, org *party.Org, v app.DashboardView) dashData {
	d := dashData{Org: org, Role: v.Role, Exporters: len(v.Exporters), AsOf: v.AsOf, Incomplete: v.Incomplete,
		Records: v.Role == party.KindOperator || v.Role == party.KindExporter || v.Role == party.KindBroker}
	c := dashChart{Labels: map[string]string{}}
	for _, k := range []string{"dash.parcels", "dash.lists", "dash.value.month", "dash.value.country", "dash.clearance.hist",
		"dash.clearance.trend", "dash.p50", "dash.p90", "dash.minutes", "dash.count"} {
		c.Labels[strings.TrimPrefix(k, "dash.")] = T(lang, k)
	}

	// Parcels by status, every status; lists by status, those that occur, in customs' order.
	parcels := 0
	for _, s := range parcel.Statuses() {
		n := v.Parcels[string(s)]
		parcels += n
		d.Parcels = append(d.Parcels, dashCount{Code: string(s), Label: T(lang, "status."+string(s)), Count: n})
	}
	lists := 0
	for _, s := range customs.Statuses() {
		if n, ok := v.Lists[string(s)]; ok && n > 0 {
			lists += n
			d.Lists = append(d.Lists, dashCount{Code: string(s), Label: T(lang, declStatusKey+string(s)), Count: n})
		}
	}
	for _, p := range d.Parcels {
		if p.Count > 0 {
			c.Parcels = append(c.Parcels, dashPoint{Name: p.Label, Code: p.Code, Value: p.Count})
		}
	}
	for _, p := range d.Lists {
		c.Lists = append(c.Lists, dashPoint{Name: p.Label, Code: p.Code, Value: p.Count})
	}

	// Trade value: one series per currency over the months (and the countries) shown.
	var months, countries, currencies []string
	value := map[[2]string]float64{}
	totals := map[string]float64{}
	for _, m := range v.ByMonth {
		d.Months = append(d.Months, dashMoney{Key: m.Month, Label: m.Month, Currency: m.Currency, Value: money(m.Value.String())})
		months = appendNew(months, m.Month)
		currencies = appendNew(currencies, m.Currency)
		f, _ := strconv.ParseFloat(m.Value.String(), 64)
		value[[2]string{m.Month, m.Currency}] += f
		totals[m.Currency] += f
	}
	for _, x := range v.ByCountry {
		d.Countries = append(d.Countries, dashMoney{Key: x.Country, Label: countryName(lang, x.Country), Currency: x.Currency,
			Value: money(x.Value.String())})
		countries = appendNew(countries, x.Country)
		currencies = appendNew(currencies, x.Currency)
		f, _ := strconv.ParseFloat(x.Value.String(), 64)
		value[[2]string{"c:" + x.Country, x.Currency}] += f
	}
	slices.Sort(months)
	slices.Sort(currencies)
	c.Months = months
	for _, cc := range countries {
		c.Countries = append(c.Countries, countryName(lang, cc))
	}
	for _, cur := range currencies {
		bm, bc := dashSeries{Name: cur, Data: []float64{}}, dashSeries{Name: cur, Data: []float64{}}
		for _, m := range months {
			bm.Data = append(bm.Data, value[[2]string{m, cur}])
		}
		for _, cc := range countries {
			bc.Data = append(bc.Data, value[[2]string{"c:" + cc, cur}])
		}
		c.ByMonth, c.ByCountry = append(c.ByMonth, bm), append(c.ByCountry, bc)
	}

	// Clearance: the histogram's buckets and the weekly bucket bounds of p50 and p90.
	released := 0
	for i, n := range v.Histogram {
		label := bucketLabel(lang, v.Buckets, i)
		released += n
		d.Buckets = append(d.Buckets, dashCount{Code: strconv.Itoa(i), Label: label, Count: n})
		c.Buckets = append(c.Buckets, dashPoint{Name: label, Code: strconv.Itoa(i), Value: n})
	}
	for _, w := range v.Weeks {
		row := dashWeekRow{Week: w.Week, Released: w.Released}
		c.Weeks = append(c.Weeks, w.Week)
		if w.Released == 0 {
			c.P50, c.P90 = append(c.P50, nil), append(c.P90, nil)
		} else {
			row.P50, row.P90 = upTo(lang, w.P50, false), upTo(lang, w.P90, w.Over)
			p50, p90 := float64(w.P50)/60, float64(w.P90)/60
			c.P50, c.P90 = append(c.P50, &p50), append(c.P90, &p90)
		}
		d.Weeks = append(d.Weeks, row)
	}

	// The next trains and the space taken on them.
	capacity, confirmed := 0, 0
	for _, t := range v.Trains {
		row := dashTrainRow{ID: t.DepartureID, Line: t.LineCode, Status: t.Status, DepartsAt: t.DepartsAt,
			Capacity: t.CapacityTEU, Confirmed: t.ConfirmedTEU, Waitlisted: t.WaitlistedTEU}
		scale := max(t.CapacityTEU, t.ConfirmedTEU+t.WaitlistedTEU, 1)
		row.Free = percentOf(t.CapacityTEU, scale)
		row.Bar = percentOf(min(t.ConfirmedTEU, t.CapacityTEU), scale)
		row.Waiting = percentOf(t.WaitlistedTEU, scale)
		if t.CapacityTEU > 0 {
			row.UsedPct = t.ConfirmedTEU * 100 / t.CapacityTEU
		}
		capacity += t.CapacityTEU
		confirmed += t.ConfirmedTEU
		d.Trains = append(d.Trains, row)
	}

	// What waits: the categories the role has, with their oldest few.
	for _, cat := range []string{app.AttentionRejected, app.AttentionInspection, app.AttentionManualReview,
		app.AttentionWaitlisted, app.AttentionAuthorizations} {
		if !d.Records && cat != app.AttentionWaitlisted && cat != app.AttentionAuthorizations {
			continue
		}
		if v.Role == party.KindOperator && cat == app.AttentionAuthorizations {
			continue // agreements wait for a firm's consent, never the operator's
		}
		a := v.Attention[cat]
		item := dashAttention{Cat: cat, Label: T(lang, dashAttentionKey+cat), Count: a.Count}
		for _, ref := range a.First {
			item.First = append(item.First, dashRef{ID: ref.ID, Href: attentionHref(cat, ref.ID), Since: ref.Since})
		}
		if a.Count > 0 {
			item.All = attentionList(cat)
		}
		d.Attention = append(d.Attention, item)
	}

	// The numbers at the top.
	if d.Records {
		d.KPIs = append(d.KPIs,
			dashKPI{ID: "kpi-parcels", Label: T(lang, "dash.kpi.parcels"), Value: strconv.Itoa(parcels)},
			dashKPI{ID: "kpi-released", Label: T(lang, "dash.kpi.released"),
				Value: strconv.Itoa(v.Lists[string(customs.StatusReleased)] + v.Lists[string(customs.StatusCleared)]),
				Note:  Tf(lang, "dash.kpi.lists", lists)},
			dashKPI{ID: "kpi-rejected", Label: T(lang, "dash.kpi.rejected"), Value: strconv.Itoa(v.Lists[string(customs.StatusRejected)])})
		var vals []string
		for _, cur := range currencies {
			vals = append(vals, cur+" "+money(strconv.FormatFloat(totals[cur], 'f', 2, 64)))
		}
		tv := strings.Join(vals, " · ")
		if tv == "" {
			tv = "0"
		}
		d.KPIs = append(d.KPIs, dashKPI{ID: "kpi-value", Label: T(lang, "dash.kpi.value"), Value: tv,
			Note: T(lang, "dash.kpi.value.note")})
		median := "—"
		if released > 0 {
			median = upTo(lang, medianBound(v.Histogram, v.Buckets, released))
		}
		d.KPIs = append(d.KPIs, dashKPI{ID: "kpi-clearance", Label: T(lang, "dash.kpi.clearance"), Value: median,
			Note: Tf(lang, "dash.kpi.clearance.note", released)})
	}
	util := "—"
	if capacity > 0 {
		util = strconv.Itoa(confirmed*100/capacity) + "%"
	}
	d.KPIs = append(d.KPIs, dashKPI{ID: "kpi-trains", Label: T(lang, "dash.kpi.trains"), Value: util,
		Note: Tf(lang, "dash.kpi.trains.note", confirmed, capacity, len(v.Trains))})
	d.Chart = c
	return d
}

func appendNew(s []string, x string) []string {
	if slices.Contains(s, x) {
		return s
	}
	return append(s, x)
}

func percentOf(part, whole int) string {
	if whole <= 0 || part <= 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(part)*100/float64(whole), 'f', 2, 64)
}

// money shows a decimal amount with thousands separators and two places.
func money(s string) string {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	s = strconv.FormatFloat(f, 'f', 2, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	var b strings.Builder
	for i, ch := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	out := b.String() + "." + frac
	if neg {
		out = "-" + out
	}
	return out
}

// duration shows a bucket bound in minutes, hours or days.
func duration(lang Lang, seconds int64) string {
	switch {
	case seconds >= 86400 && seconds%86400 == 0:
		return Tf(lang, "dash.dur.days", seconds/86400)
	case seconds >= 3600 && seconds%3600 == 0:
		return Tf(lang, "dash.dur.hours", seconds/3600)
	default:
		return Tf(lang, "dash.dur.minutes", seconds/60)
	}
}

// upTo is a percentile's bucket bound: "≤ 15 min", or "> 4 d" in the open last bucket.
func upTo(lang Lang, seconds int64, over ...bool) string {
	if len(over) > 0 && over[0] {
		return Tf(lang, "dash.over", duration(lang, seconds))
	}
	return Tf(lang, "dash.upto", duration(lang, seconds))
}

// bucketLabel names histogram bucket i (the last one is open).
func bucketLabel(lang Lang, bounds []int64, i int) string {
	if i < len(bounds) {
		return upTo(lang, bounds[i])
	}
	return upTo(lang, bounds[len(bounds)-1], true)
}

// medianBound is the upper bound of the bucket holding the nearest-rank median of the histogram
// (as the use case ranks its weekly p50).
func medianBound(histogram []int, bounds []int64, count int) int64 {
	rank, seen := max((50*count+99)/100, 1), 0
	for i, n := range histogram {
		if seen += n; seen >= rank && i < len(bounds) {
			return bounds[i]
		}
	}
	return bounds[len(bounds)-1]
}

// attentionHref links a waiting record to its page.
func attentionHref(cat, id string) string {
	switch cat {
	case app.AttentionWaitlisted:
		return "/bookings/" + url.PathEscape(id)
	case app.AttentionAuthorizations:
		return "/authorizations"
	default:
		return "/declarations/" + url.PathEscape(id)
	}
}

// attentionList is the list page of a category's records.
func attentionList(cat string) string {
	switch cat {
	case app.AttentionRejected:
		return "/declarations?status=" + string(customs.StatusRejected)
	case app.AttentionInspection:
		return "/declarations?status=" + string(customs.StatusInspection)
	case app.AttentionManualReview:
		return "/declarations?status=" + string(customs.StatusManualReview)
	case app.AttentionWaitlisted:
		return "/bookings?status=" + string(rail.BookingWaitlisted)
	default:
		return "/authorizations"
	}
}

// countryName is a destination's name in the page's language; a country the catalogue does not
// name shows its ISO code.
func countryName(lang Lang, cc string) string {
	if _, ok := messages["country."+strings.ToLower(cc)]; ok {
		return T(lang, "country."+strings.ToLower(cc))
	}
	return cc
}

// compressPages compresses the console's pages (HTML, a few to some tens of KB) for clients that
// accept it; the API under /v1 and the files under /assets (compressed once, gzipOf) are left as
// they are.
var compressPages = compress.New(compress.Config{Level: compress.LevelDefault, Next: func(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/v1" || strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/assets/")
}})

// gzipped is an asset's body compressed once (gzip, best compression), for clients that accept
// it: ECharts is 1.1 MB as is, about a third of that compressed.
var gzipped sync.Map // name+version → []byte

func gzipOf(name string, a asset) []byte {
	key := name + "?" + a.version
	if b, ok := gzipped.Load(key); ok {
		return b.([]byte)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(a.body)
	_ = zw.Close()
	b := buf.Bytes()
	gzipped.Store(key, b)
	return b
}
