package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/party"
)

// Every attention category, histogram bucket and named country has its text in both languages.
func TestDashboardLabels(t *testing.T) {
	for _, cat := range []string{app.AttentionRejected, app.AttentionInspection, app.AttentionManualReview,
		app.AttentionWaitlisted, app.AttentionAuthorizations} {
		if m, ok := messages[dashAttentionKey+cat]; !ok || m.zh == "" || m.en == "" {
			t.Errorf("%s: %+v", cat, m)
		}
	}
	for i := range len(app.ClearanceBucketsSeconds) + 1 {
		zh, en := bucketLabel(LangZh, app.ClearanceBucketsSeconds, i), bucketLabel(LangEn, app.ClearanceBucketsSeconds, i)
		if strings.Contains(zh, "%!") || strings.Contains(en, "%!") || zh == en {
			t.Errorf("bucket %d: %q / %q", i, zh, en)
		}
	}
	if got := bucketLabel(LangEn, app.ClearanceBucketsSeconds, len(app.ClearanceBucketsSeconds)); !strings.HasPrefix(got, ">") {
		t.Errorf("the open last bucket reads %q", got)
	}
	if zh, en := countryName(LangZh, "PL"), countryName(LangEn, "PL"); zh != "波兰" || en != "Poland" {
		t.Errorf("PL: %q %q", zh, en)
	}
	if got := countryName(LangEn, "XK"); got != "XK" {
		t.Errorf("an unnamed country shows %q, want its code", got)
	}
}

// The page's figures from a view: the rows, the KPIs (the median is the bucket bound of the
// nearest-rank median), the train bars, the attention links, and the chart's JSON with the
// labels of the page's language.
func TestDashboardOf(t *testing.T) {
	hist := make([]int, len(app.ClearanceBucketsSeconds)+1)
	hist[1], hist[2], hist[4] = 1, 2, 1 // ranks 1..4: the median (rank 2) is in the ≤ 15 min bucket
	v := app.DashboardView{Role: party.KindExporter, AsOf: time.Date(2026, 12, 6, 5, 0, 0, 0, time.UTC),
		Parcels: map[string]int{"registered": 3, "released": 4}, Lists: map[string]int{"released": 4, "rejected": 1},
		ByMonth: []app.DashValue{{Month: "2026-11", Currency: "EUR", Value: code.DecimalFromScaled(123456789)},
			{Month: "2026-12", Currency: "EUR", Value: code.DecimalFromScaled(100)}, {Month: "2026-12", Currency: "USD", Value: code.DecimalFromScaled(5000)}},
		ByCountry: []app.DashValue{{Country: "DE", Currency: "EUR", Value: code.DecimalFromScaled(10)}, {Country: "XK", Currency: "USD", Value: code.DecimalFromScaled(5000)}},
		Buckets:   app.ClearanceBucketsSeconds, Histogram: hist,
		Weeks:  []app.DashWeek{{Week: "2026-11-23"}, {Week: "2026-11-30", Released: 4, P50: 900, P90: 3600}},
		Trains: []app.DashTrain{{DepartureID: "dep_1", LineCode: "XXO", CapacityTEU: 10, ConfirmedTEU: 10, WaitlistedTEU: 5}},
		Attention: map[string]app.DashAttention{app.AttentionRejected: {Count: 1, First: []app.DashRef{{ID: "dec_1"}}},
			app.AttentionWaitlisted: {Count: 1, First: []app.DashRef{{ID: "bkg_1"}}}},
	}
	d := dashboardOf(LangEn, nil, v)
	kpi := map[string]string{}
	for _, k := range d.KPIs {
		kpi[k.ID] = k.Value
	}
	want := map[string]string{"kpi-parcels": "7", "kpi-released": "4", "kpi-rejected": "1", "kpi-clearance": "≤ 15 min",
		"kpi-trains": "100%", "kpi-value": "EUR 12,345.69 · USD 0.50"}
	for id, w := range want {
		if kpi[id] != w {
			t.Errorf("%s = %q, want %q", id, kpi[id], w)
		}
	}
	if tr := d.Trains[0]; tr.Free != "66.67" || tr.Bar != "66.67" || tr.Waiting != "33.33" || tr.UsedPct != 100 {
		t.Errorf("train bar %+v", tr)
	}
	links := map[string]string{}
	for _, a := range d.Attention {
		for _, r := range a.First {
			links[a.Cat] = r.Href
		}
	}
	if links[app.AttentionRejected] != "/declarations/dec_1" || links[app.AttentionWaitlisted] != "/bookings/bkg_1" {
		t.Errorf("attention links %v", links)
	}
	for _, a := range d.Attention {
		if want := map[string]string{app.AttentionRejected: "/declarations?status=rejected",
			app.AttentionWaitlisted: "/bookings?status=waitlisted"}[a.Cat]; a.All != want {
			t.Errorf("%s: the list is %q, want %q", a.Cat, a.All, want)
		}
	}
	if d.Weeks[0].P50 != "" || d.Weeks[1].P90 != "≤ 1 h" {
		t.Errorf("weeks %+v", d.Weeks)
	}
	b, err := json.Marshal(d.Chart)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"countries":["Germany","XK"]`, `"months":["2026-11","2026-12"]`, `"p50":[null,15]`,
		`{"name":"EUR","data":[12345.6789,0.01]}`, `"minutes":"minutes"`, `{"name":"Registered","code":"registered","value":3}`} {
		if !strings.Contains(string(b), s) {
			t.Errorf("chart data lacks %s: %s", s, b)
		}
	}
	if zh := dashboardOf(LangZh, nil, v); zh.Chart.Labels["minutes"] != "分钟" || zh.Countries[0].Label != "德国" {
		t.Errorf("中文 labels %v %v", zh.Chart.Labels, zh.Countries)
	}
}

// A client that accepts gzip gets the files compressed (once) and the pages compressed; the API
// under /v1 is left as it is; a file's version tag names its encoding.
func TestCompressed(t *testing.T) {
	f := fiber.New()
	f.Get("/assets/:name", serveAsset)
	f.Use(compressPages)
	page := strings.Repeat("<p>看板 dashboard</p>", 200)
	f.Get("/", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString(page) })
	f.Get("/v1/x", func(c *fiber.Ctx) error { return c.SendString(page) })
	get := func(path, enc, etag string) (*http.Response, []byte) {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Encoding", enc)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		res, err := f.Test(req, -1) // no time limit: gzipping ECharts takes over fiber's 1 s default under -race
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if res.Header.Get("Content-Encoding") == "gzip" && len(b) > 0 {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			b, _ = io.ReadAll(zr)
		}
		return res, b
	}
	a := assets["echarts.min.js"]
	res, body := get("/assets/echarts.min.js", "gzip, deflate", "")
	if res.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(body, a.body) || res.Header.Get("Vary") != "Accept-Encoding" {
		t.Errorf("echarts gzipped: %v, same body %v", res.Header, bytes.Equal(body, a.body))
	}
	gzTag := res.Header.Get("ETag")
	res, body = get("/assets/echarts.min.js", "identity", "")
	if res.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, a.body) || res.Header.Get("ETag") == gzTag {
		t.Errorf("echarts as is: %v", res.Header)
	}
	if res, _ := get("/assets/echarts.min.js", "gzip", gzTag); res.StatusCode != http.StatusNotModified {
		t.Errorf("the gzipped file's tag: %d", res.StatusCode)
	}
	if res, body := get("/", "gzip", ""); res.Header.Get("Content-Encoding") != "gzip" || string(body) != page {
		t.Errorf("page: %v", res.Header)
	}
	if res, body := get("/v1/x", "gzip", ""); res.Header.Get("Content-Encoding") != "" || string(body) != page {
		t.Errorf("the API compressed: %v", res.Header)
	}
}
