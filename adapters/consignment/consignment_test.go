package consignment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/silkgate/silkgate/app"
)

var cst = time.FixedZone("CST", 8*3600)

// railNote is a 襄西欧 booking: Xiangyang to Duisburg, leaving China at Alashankou.
func railNote() app.ConsignmentNote {
	return app.ConsignmentNote{
		Number:      "SG-XXO-2026-000417",
		IssuedAt:    time.Date(2026, 3, 5, 9, 30, 0, 0, cst),
		BookingID:   "01JNB3K7W2Q4Y8ZC5T6R9M0PXA",
		DepartureID: "XXO-20260306",
		LineCode:    "XXO",
		LineName:    "襄西欧",
		LineNameEn:  "Xiangyang–Xi'an–Europe",
		Mode:        "rail",
		DepartsAt:   time.Date(2026, 3, 6, 10, 0, 0, 0, cst),
		ETA:         time.Date(2026, 3, 27, 10, 0, 0, 0, cst),
		Consignor: app.NoteParty{
			Name: "襄阳跨境电商供应链有限公司", NameEn: "Xiangyang Cross-border E-commerce Supply Chain Co., Ltd.",
			Code: "91420600MA4F0XXX1K", Address: "湖北省襄阳市高新区郜营铁路物流园 8 号", Country: "CN",
		},
		Consignee: app.NoteParty{
			Name: "Spedition Müller GmbH", Code: "DE123456789",
			Address: "Hafenstraße 12, 47119 Duisburg", Country: "DE",
		},
		From:   app.NoteStation{Code: "XIANGYANG", Name: "襄阳（郜营铁路物流园 / 襄阳北编组站）", NameEn: "Xiangyang (Gaoying rail logistics park / Xiangyang North yard)"},
		Border: &app.NoteStation{Code: "ALASHANKOU", Name: "阿拉山口", NameEn: "Alashankou"},
		To:     app.NoteStation{Code: "DUISBURG", Name: "杜伊斯堡", NameEn: "Duisburg"},
		Itinerary: []app.NoteStation{
			{Code: "XIANGYANG", Name: "襄阳", NameEn: "Xiangyang"},
			{Code: "XIAN", Name: "西安国际港站", NameEn: "Xi'an International Port Station"},
			{Code: "ALASHANKOU", Name: "阿拉山口", NameEn: "Alashankou"},
			{Code: "DOSTYK", Name: "Достык"}, // no Latin name: the Cyrillic one prints
			{Code: "BREST", Name: "Брест", NameEn: "Brest"},
			{Code: "DUISBURG", Name: "杜伊斯堡", NameEn: "Duisburg"},
		},
		Containers: []app.NoteContainer{
			{ContainerNo: "TGHU8812345", Type: "40HQ", SealNo: "CN-XY-0071234", GrossKg: 24350, Parcels: 1180},
			{ContainerNo: "MSKU7654321", Type: "40GP", SealNo: "CN-XY-0071235", ParcelsKg: 16500.35, Parcels: 960}, // not weighed
		},
		Goods: []app.NoteGoods{
			{Description: "Mobile phone cases, silicone / 手机壳", HSCode: "3926909090", Packages: 420, GrossKg: 8120.5},
			{Description: "Bluetooth earphones", HSCode: "8518300000", Packages: 310, GrossKg: 6240},
			{Description: "Cotton T-shirts, knitted", HSCode: "6109100021", Packages: 560, GrossKg: 11890.25},
			{Description: "LED desk lamps", HSCode: "9405210000", Packages: 850, GrossKg: 14599.25},
		},
		DeclaredGrossKg: 41000,
		Declarations: []app.NoteDocument{
			{Kind: "inventory list (CEB603)", ID: "01JNB4A1DECL00000000000001", Number: "420620260000123456", Status: "released"},
			{Kind: "customs declaration", ID: "01JNB4A1DECL00000000000002", Number: "420120261000098765", Status: "accepted"},
		},
		Charges: "Paid by consignor to the Chinese border (Alashankou); beyond: by consignee / Frachtzahlung ab Grenze durch Empfänger",
	}
}

// railSeaNote is a 襄钦马 booking: by train to Qinzhou port, then by ship to Port Klang.
func railSeaNote() app.ConsignmentNote {
	return app.ConsignmentNote{
		Number:          "SG-XQM-2026-000052",
		IssuedAt:        time.Date(2026, 4, 2, 14, 0, 0, 0, cst),
		BookingID:       "01JQ0ZV4S9E2H5N8K1M3B7C6DF",
		DepartureID:     "XQM-20260402",
		LineCode:        "XQM",
		LineName:        "襄钦马",
		LineNameEn:      "Xiangyang–Qinzhou–Malaysia",
		Mode:            "rail-sea",
		DepartsAt:       time.Date(2026, 4, 2, 10, 0, 0, 0, cst),
		ETA:             time.Date(2026, 4, 15, 10, 0, 0, 0, cst),
		Consignor:       app.NoteParty{Name: "襄阳某某贸易有限公司", Code: "91420600MA4F0YYY2L", Country: "CN"}, // no Latin name
		Consignee:       app.NoteParty{Name: "Klang Trading Sdn Bhd", Address: "Jalan Pelabuhan, 42000 Port Klang", Country: "MY"},
		From:            app.NoteStation{Code: "XIANGYANG", Name: "襄阳", NameEn: "Xiangyang"},
		Transship:       &app.NoteStation{Code: "QINZHOU", Name: "钦州港", NameEn: "Qinzhou Port"},
		To:              app.NoteStation{Code: "PORT_KLANG", Name: "巴生港（马来西亚）", NameEn: "Port Klang (Malaysia)"},
		Containers:      []app.NoteContainer{{ContainerNo: "CSNU1234560", Type: "20GP", SealNo: "QZ-445566", GrossKg: 18200}},
		Goods:           []app.NoteGoods{{Description: "陶瓷餐具", HSCode: "6912001000", Packages: 300, GrossKg: 18200}},
		DeclaredGrossKg: 18200,
	}
}

func joined(f form) string { return strings.Join(f.texts(), "\n") }

func TestLayoutRail(t *testing.T) {
	set, _ := glyphs()
	f := layout(railNote(), set)
	text := joined(f)
	for _, want := range []string{
		"SG-XXO-2026-000417", "2026-03-05", "CIM/SMGS",
		"1 Consignor / Отправитель / Absender", "Xiangyang Cross-border E-commerce Supply Chain Co., Ltd. / 襄阳跨境电商供应链有限公司",
		"湖北省襄阳市高新区郜营铁路物流园 8 号",
		"91420600MA4F0XXX1K", "Spedition Müller GmbH", "Hafenstraße 12, 47119 Duisburg",
		"4 Border crossing / Пограничная станция / Grenzbahnhof", "Alashankou / 阿拉山口", "Code / Код / Code: ALASHANKOU",
		"5 Destination", "Duisburg / 杜伊斯堡",
		"1. Xiangyang / 襄阳 (XIANGYANG) → 2. Xi'an International Port Station / 西安国际港站 (XIAN) → 3. Alashankou / 阿拉山口 (ALASHANKOU) → 4. Достык (DOSTYK) → 5. Brest / Брест (BREST)",
		"XXO — Xiangyang–Xi'an–Europe / 襄西欧", "rail / железнодорожный / Schiene",
		"XXO-20260306", "2026-03-06 10:00 +08:00", "2026-03-27 10:00 +08:00",
		"TGHU8812345", "MSKU7654321", "40HQ", "CN-XY-0071234", "CN-XY-0071235", "24 350", "16 500.35", "1 180", "960",
		"40 850.35", // the containers' gross: the weighed box and the parcels of the other
		"3926909090", "8518300000", "6109100021", "9405210000", "Mobile phone cases, silicone / 手机壳",
		"2 140", "40 850", "2 140", // goods totals: packages, gross kg; container parcels total
		"41 000", // the booking's declared gross mass
		"8 120.5", "11 890.25",
		"inventory list (CEB603)", "420620260000123456", "420120261000098765", "01JNB4A1DECL00000000000001", "released",
		"Paid by consignor to the Chinese border",
		"14 Consignor's signature", "15 Forwarding station stamp",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	// Chinese prints: nothing was replaced, so there is no legend.
	if f.legend != "" {
		t.Errorf("legend %q although every character prints", f.legend)
	}
	for _, bad := range []string{placeholder, "Transshipment port"} {
		if strings.Contains(text, bad) {
			t.Errorf("form contains %q", bad)
		}
	}
	// Every text drawn must be drawable by the fonts.
	for _, s := range f.texts() {
		for _, r := range s {
			if !set.Drawable(r) {
				t.Errorf("undrawable %q in %q", r, s)
			}
		}
	}
}

func TestLayoutRailSea(t *testing.T) {
	set, _ := glyphs()
	f := layout(railSeaNote(), set)
	text := joined(f)
	for _, want := range []string{
		"4 Transshipment port / Порт перевалки / Umschlaghafen", "Qinzhou Port", "Port Klang (Malaysia)",
		"rail–sea / железнодорожно-морской / Schiene–See",
		"1. Xiangyang / 襄阳 (XIANGYANG) → 2. Qinzhou Port / 钦州港 (QINZHOU) → 3. Port Klang (Malaysia) / 巴生港（马来西亚） (PORT_KLANG)", // from the stations
		"CSNU1234560", "QZ-445566", "18 200", "6912001000", "陶瓷餐具",
		"Port Klang (Malaysia) / 巴生港（马来西亚）",
		"none / нет / keine", // no documents attached
	} {
		if !strings.Contains(text, want) {
			t.Errorf("form lacks %q", want)
		}
	}
	if strings.Contains(text, "Border crossing") {
		t.Error("a rail–sea note shows a border crossing")
	}
	// The consignor has only a Chinese name: it prints as registered.
	if !strings.Contains(text, "Consignor / Отправитель / Absender\n襄阳某某贸易有限公司\n") {
		t.Error("consignor without Latin name should print its Chinese name")
	}
	if f.legend != "" || strings.Contains(text, placeholder) {
		t.Errorf("placeholder or legend %q on a note the fonts draw whole", f.legend)
	}
	if got := layout(railNote(), set).footer; got != "CIM/SMGS SG-XXO-2026-000417" {
		t.Errorf("footer = %q", got)
	}
}

func TestKilograms(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 12: "12", 8120.5: "8 120.5", 1234567.125: "1 234 567.125",
		0.0004: "0", 99.9996: "100", 40850: "40 850"} {
		if got := kilograms(in); got != want {
			t.Errorf("kilograms(%v) = %q, want %q", in, got, want)
		}
	}
}

func checkPDF(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("not a PDF: starts %q", b[:min(len(b), 16)])
	}
	if !bytes.HasSuffix(bytes.TrimRight(b, "\r\n"), []byte("%%EOF")) {
		t.Fatalf("no %%%%EOF trailer: ends %q", b[max(0, len(b)-16):])
	}
	if len(b) < 8<<10 { // the embedded font subsets alone take more
		t.Fatalf("PDF is only %d bytes", len(b))
	}
}

func TestRender(t *testing.T) {
	r := New()
	for name, n := range map[string]app.ConsignmentNote{"rail": railNote(), "rail-sea": railSeaNote(), "empty": {}} {
		t.Run(name, func(t *testing.T) {
			b, err := r.Render(context.Background(), n)
			if err != nil {
				t.Fatal(err)
			}
			checkPDF(t, b)
		})
	}
}

// TestRenderReproducible: the creation date is the note's, so a note always gives the same bytes.
func TestRenderReproducible(t *testing.T) {
	a, err := New().Render(context.Background(), railNote())
	if err != nil {
		t.Fatal(err)
	}
	b, err := New().Render(context.Background(), railNote())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("the same note rendered to different bytes")
	}
}

func TestRenderPaginates(t *testing.T) {
	set, _ := glyphs()
	n := railNote()
	n.Containers = nil
	for i := range 200 {
		n.Containers = append(n.Containers, app.NoteContainer{
			ContainerNo: fmt.Sprintf("TGHU%07d", i), Type: "40HQ", SealNo: fmt.Sprintf("CN-XY-%07d", i), GrossKg: 24000, Parcels: 1000,
		})
	}
	for i := range 60 {
		n.Itinerary = append(n.Itinerary, app.NoteStation{Code: fmt.Sprintf("ST%02d", i), NameEn: "Intermediate station with a rather long name"})
	}
	f := layout(n, set)
	if text := joined(f); !strings.Contains(text, "TGHU0000199") || !strings.Contains(text, "4 800 000") {
		t.Error("form lacks the last container or the containers' total mass")
	}
	pdf := build(f)
	if err := pdf.Error(); err != nil {
		t.Fatal(err)
	}
	// 200 rows of ~5.6 mm need at least four A4 pages besides everything else.
	if pages := pdf.PageCount(); pages < 5 {
		t.Errorf("PageCount = %d, want the 200 containers spread over several pages", pages)
	}
	b, err := New().Render(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b)
}

// TestRenderSplitsTallBox: a route too long for one page runs on over several pages.
func TestRenderSplitsTallBox(t *testing.T) {
	set, _ := glyphs()
	n := railSeaNote()
	for i := range 400 {
		n.Itinerary = append(n.Itinerary, app.NoteStation{Code: fmt.Sprintf("ST%03d", i), NameEn: "Intermediate station"})
	}
	pdf := build(layout(n, set))
	if err := pdf.Error(); err != nil {
		t.Fatal(err)
	}
	if pages := pdf.PageCount(); pages < 3 {
		t.Errorf("PageCount = %d, want the route spread over several pages", pages)
	}
	b, err := New().Render(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b)
}

func TestRenderCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Render(ctx, railNote()); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestRenderConcurrent runs renders side by side on one Renderer (go test -race checks that the
// shared font data is only read).
func TestRenderConcurrent(t *testing.T) {
	r := New()
	want, err := r.Render(context.Background(), railNote())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			n := railNote()
			if i%2 == 1 {
				n = railSeaNote()
			}
			b, err := r.Render(context.Background(), n)
			if err != nil {
				t.Error(err)
				return
			}
			if i%2 == 0 && !bytes.Equal(b, want) {
				t.Error("concurrent render differs")
			}
		})
	}
	wg.Wait()
}

// pdfText is the text of a PDF as poppler's pdftotext reads it back: the glyphs as drawn,
// mapped to Unicode through the fonts' ToUnicode tables. A missing pdftotext fails the test:
// CI installs poppler-utils.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is not installed; the printed text cannot be read back. Install it with: apt-get install -y poppler-utils")
	}
	f := filepath.Join(t.TempDir(), "note.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", f, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// TestRenderChinese: the Chinese names, address and goods print as Chinese, read back from the
// PDF itself, with no placeholder and no legend drawn.
func TestRenderChinese(t *testing.T) {
	n := railSeaNote()
	n.Consignee = app.NoteParty{Name: "巴生贸易有限公司", NameEn: "Klang Trading Sdn Bhd", Address: "马来西亚巴生港 Jalan Pelabuhan", Country: "MY"}
	b, err := New().Render(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(bytes.ToLower(b), []byte("droidsansfallback")) {
		t.Error("the Chinese font is not embedded")
	}
	text := pdfText(t, b)
	flat := strings.Join(strings.Fields(text), "")
	for _, want := range []string{"襄阳某某贸易有限公司", "巴生贸易有限公司", "马来西亚巴生港", "陶瓷餐具", "钦州港", "巴生港（马来西亚）", "襄钦马",
		"KlangTradingSdnBhd", "Порт перевалки", "18 200"} {
		if !strings.Contains(flat, strings.Join(strings.Fields(want), "")) {
			t.Errorf("the printed note lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{placeholder, "\uFFFD", "nicht druckbar"} {
		if strings.Contains(text, bad) {
			t.Errorf("the printed note shows %q:\n%s", bad, text)
		}
	}
}

// tableOf finds the laid-out table whose label starts with prefix.
func tableOf(t *testing.T, f form, prefix string) *table {
	t.Helper()
	for _, b := range f.blocks {
		if b.table != nil && strings.HasPrefix(b.table.label, prefix) {
			return b.table
		}
	}
	t.Fatalf("no table %q", prefix)
	return nil
}

// grams reads a printed mass back ("24 350", "1.35"); "—" is no mass.
func grams(t *testing.T, s string) (int64, bool) {
	t.Helper()
	if s == "—" {
		return 0, false
	}
	kg, err := strconv.ParseFloat(strings.ReplaceAll(s, " ", ""), 64)
	if err != nil {
		t.Fatalf("mass %q: %v", s, err)
	}
	return int64(math.Round(kg * 1000)), true
}

// TestTotalsAddUp: the totals rows of the containers and goods tables are the sums of the rows
// printed above them, to the gram, and the booking's declared mass is printed beside them. The
// note is the one that printed a gross of "1" under a line of 1.35 kg and containers of 0 kg.
func TestTotalsAddUp(t *testing.T) {
	set, _ := glyphs()
	small := railSeaNote()
	small.Containers = []app.NoteContainer{{ContainerNo: "CSNU1234560", Type: "20GP", SealNo: "QZ-1", ParcelsKg: 1.35, Parcels: 1}}
	small.Goods = []app.NoteGoods{{Description: "蓝牙耳机", HSCode: "8518300000", Packages: 1, GrossKg: 1.35}}
	small.DeclaredGrossKg = 9000

	mixed := railNote()
	mixed.Containers = append(mixed.Containers,
		app.NoteContainer{ContainerNo: "CSNU7654320", Type: "20GP", SealNo: "QZ-2", ParcelsKg: 0.45, Parcels: 1},
		app.NoteContainer{ContainerNo: "CSNU7654321", Type: "20GP", SealNo: "QZ-3"}, // declared goods, not weighed
	)
	mixed.Goods = append(mixed.Goods, app.NoteGoods{Description: "耳机", HSCode: "8518300000", Packages: 3, GrossKg: 1.35},
		app.NoteGoods{Description: "手机壳", HSCode: "3926909090", Packages: 1, GrossKg: 0.001})

	for name, c := range map[string]struct {
		n                           app.ConsignmentNote
		containersKg, goodsKg, decl string
	}{
		"one parcel": {small, "1.35", "1.35", "9 000"},
		"mixed":      {mixed, "40 850.8", "40 851.351", "41 000"},
	} {
		t.Run(name, func(t *testing.T) {
			f := layout(c.n, set)

			boxes := tableOf(t, f, "10 Containers")
			var kg int64
			parcels := 0
			for _, r := range boxes.rows {
				g, _ := grams(t, r[4])
				kg += g
				p, _ := strconv.Atoi(strings.ReplaceAll(r[5], " ", ""))
				parcels += p
			}
			if len(boxes.totals) != 1 {
				t.Fatalf("containers totals %q", boxes.totals)
			}
			total := boxes.totals[0]
			if got, _ := grams(t, total[3]); got != kg || total[3] != c.containersKg {
				t.Errorf("containers' gross total %q, the rows add up to %d g, want %q", total[3], kg, c.containersKg)
			}
			if total[4] != thousands(int64(parcels)) {
				t.Errorf("containers' parcels total %q, the rows add up to %d", total[4], parcels)
			}

			goods := tableOf(t, f, "11 Goods")
			kg, packages := 0, 0
			for _, r := range goods.rows {
				g, _ := grams(t, r[4])
				kg += g
				p, _ := strconv.Atoi(strings.ReplaceAll(r[3], " ", ""))
				packages += p
			}
			if len(goods.totals) != 2 {
				t.Fatalf("goods totals %q", goods.totals)
			}
			sum, declared := goods.totals[0], goods.totals[1]
			if got, _ := grams(t, sum[2]); got != kg || sum[2] != c.goodsKg {
				t.Errorf("goods gross total %q, the lines add up to %d g, want %q", sum[2], kg, c.goodsKg)
			}
			if sum[1] != thousands(int64(packages)) {
				t.Errorf("goods packages total %q, the lines add up to %d", sum[1], packages)
			}
			if !strings.HasPrefix(declared[0], "Declared in the booking") || declared[2] != c.decl {
				t.Errorf("declared row %q, want the booking's %s kg", declared, c.decl)
			}
		})
	}
}

// BenchmarkRender prints the 襄西欧 note (both fonts are parsed and subset every time).
func BenchmarkRender(b *testing.B) {
	r, n := New(), railNote()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(context.Background(), n); err != nil {
			b.Fatal(err)
		}
	}
}
