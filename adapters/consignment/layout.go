package consignment

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/silkgate/silkgate/adapters/internal/fonts"
	"github.com/silkgate/silkgate/app"
)

// The layout is a pure description of what the note prints: numbered boxes and tables holding
// text that the font can draw. Render only places it on pages, so the content can be tested
// without reading text back out of a PDF (fpdf writes UTF-8 text as glyph references).

// Page geometry (A4 portrait, mm).
const (
	pageW    = 210.0
	margin   = 10.0
	contentW = pageW - 2*margin
)

// maxCell caps a table cell's text so that one row always fits on a page; a description longer
// than this is cut with an ellipsis (the electronic record keeps it whole).
const maxCell = 400

// box is one numbered field of the form.
type box struct {
	label string   // "1 Consignor / Отправитель / Absender"
	lines []string // printable text; each entry may wrap
	width float64  // mm
	minH  float64  // mm; signature and stamp boxes leave room to write
}

// column is a table column.
type column struct {
	title string // may hold line breaks, one language a line
	width float64
	right bool // numbers are right-aligned
}

// table is a numbered field drawn as a grid whose header repeats on every page it runs onto.
type table struct {
	label     string
	cols      []column
	rows      [][]string
	empty     string     // printed when there are no rows
	totals    [][]string // the totals rows, none when nil
	totalSpan int        // how many leading columns the first cell of a totals row covers
}

// block is one band of the form: a row of boxes side by side, or a table.
type block struct {
	boxes []box
	table *table
}

// form is the whole note, ready to draw.
type form struct {
	title    string
	subtitle string
	meta     [][2]string // header fields: label, value
	blocks   []block
	footer   string // on every page, before the page number
	legend   string // explains the placeholder when the note uses it
	docTitle string // PDF metadata
	issued   time.Time
}

// texts lists every text the form draws, in drawing order, for tests and debugging.
func (f form) texts() []string {
	out := []string{f.title, f.subtitle}
	for _, m := range f.meta {
		out = append(out, m[0], m[1])
	}
	for _, b := range f.blocks {
		for _, x := range b.boxes {
			out = append(out, x.label)
			out = append(out, x.lines...)
		}
		if t := b.table; t != nil {
			out = append(out, t.label)
			for _, c := range t.cols {
				out = append(out, c.title)
			}
			for _, r := range t.rows {
				out = append(out, r...)
			}
			if len(t.rows) == 0 {
				out = append(out, t.empty)
			}
			for _, r := range t.totals {
				out = append(out, r...)
			}
		}
	}
	out = append(out, f.footer)
	if f.legend != "" {
		out = append(out, f.legend)
	}
	return out
}

// printer makes text printable and remembers whether it had to drop anything, so the form can
// say so.
type printer struct {
	set      *fonts.Glyphs
	replaced bool
}

func (p *printer) text(s string) string {
	out, replaced := printable(p.set, strings.TrimSpace(s))
	p.replaced = p.replaced || replaced
	return out
}

// name is how a party, station or line is printed: the Latin name, which every railway on the
// route reads, then the registered name (Chinese, Cyrillic, German) when it says something more.
// A registered name that the fonts cannot draw whole is left out when there is a Latin form; with
// none the placeholder shows where the fonts fell short.
func (p *printer) name(local, latin string) string {
	local, latin = strings.TrimSpace(local), strings.TrimSpace(latin)
	if latin == "" {
		return orDash(p.text(local))
	}
	if s, replaced := printable(p.set, local); !replaced && s != "" && s != latin {
		return p.text(latin) + " / " + s
	}
	return p.text(latin)
}

// layout builds the form for n. It is pure: the same note gives the same form.
func layout(n app.ConsignmentNote, set *fonts.Glyphs) form {
	p := &printer{set: set}
	f := form{
		title:    "CIM/SMGS",
		subtitle: "Consignment note / Накладная ЦИМ/СМГС / Frachtbrief CIM/SMGS",
		meta: [][2]string{
			{"No. / № / Nr.", orDash(p.text(n.Number))},
			{"Issued / Дата составления / Ausgestellt", day(n.IssuedAt)},
			{"Booking / Заказ / Buchung", orDash(p.text(n.BookingID))},
		},
		footer:   "CIM/SMGS " + orDash(p.text(n.Number)),
		docTitle: "CIM/SMGS consignment note " + strings.TrimSpace(n.Number),
		issued:   n.IssuedAt,
	}
	add := func(boxes ...box) { f.blocks = append(f.blocks, block{boxes: boxes}) }
	half, third := contentW/2, contentW/3

	add(
		box{label: "1 Consignor / Отправитель / Absender", lines: p.party(n.Consignor), width: half},
		box{label: "2 Consignee / Получатель / Empfänger", lines: p.party(n.Consignee), width: half},
	)

	// Box 4 is the border crossing on a rail line and the port on a rail–sea line; a note may in
	// principle name both.
	label4 := "4 Border crossing / Пограничная станция / Grenzbahnhof"
	var lines4 []string
	switch {
	case n.Border != nil && n.Transship != nil:
		label4 = "4 Border crossing, transshipment port / Пограничная станция, порт перевалки / Grenzbahnhof, Umschlaghafen"
		lines4 = append(p.station(*n.Border), p.station(*n.Transship)...)
	case n.Border != nil:
		lines4 = p.station(*n.Border)
	case n.Transship != nil:
		label4 = "4 Transshipment port / Порт перевалки / Umschlaghafen"
		lines4 = p.station(*n.Transship)
	default:
		lines4 = []string{"—"}
	}
	add(
		box{label: "3 Departure station / Станция отправления / Versandbahnhof", lines: p.station(n.From), width: third},
		box{label: label4, lines: lines4, width: third},
		box{label: "5 Destination / Станция назначения / Bestimmungsbahnhof", lines: p.station(n.To), width: third},
	)

	add(box{label: "6 Route / Маршрут / Beförderungsweg", lines: []string{p.route(n)}, width: contentW})

	add(
		box{label: "7 Train / Поезд / Zug", width: third, lines: []string{
			orDash(p.text(n.LineCode)) + " — " + p.name(n.LineName, n.LineNameEn),
			"Mode / Вид / Art: " + mode(n.Mode),
		}},
		box{label: "8 Departure / Отправление / Abfahrt", width: third, lines: []string{
			"ID: " + orDash(p.text(n.DepartureID)),
			"Planned / План / Geplant: " + clock(n.DepartsAt),
		}},
		box{label: "9 Arrival (ETA) / Прибытие / Ankunft", width: third, lines: []string{
			"Expected / Ожидается / Erwartet: " + clock(n.ETA),
		}},
	)

	f.blocks = append(f.blocks, block{table: p.containers(n.Containers)})
	f.blocks = append(f.blocks, block{table: p.goods(n)})
	f.blocks = append(f.blocks, block{table: p.documents(n.Declarations)})

	add(box{label: "13 Charges / Провозные платежи / Frachtzahlung", lines: []string{orDash(p.text(n.Charges))}, width: contentW})

	sign := []string{"", "", "Place, date / Место, дата / Ort, Datum:"}
	add(
		box{label: "14 Consignor's signature / Подпись отправителя / Unterschrift des Absenders", lines: sign, width: half, minH: 30},
		box{label: "15 Forwarding station stamp / Штемпель станции отправления / Stempel des Versandbahnhofs", lines: sign, width: half, minH: 30},
	)

	if p.replaced {
		f.legend = placeholder + " characters this printout cannot show; see the electronic note / 无法打印的字符，见电子运单 / " +
			"символы, которые нельзя напечатать / nicht druckbare Zeichen"
	}
	return f
}

func (p *printer) party(x app.NoteParty) []string {
	lines := []string{p.name(x.Name, x.NameEn)}
	if c := p.text(x.Code); c != "" {
		lines = append(lines, "Code / Код / Kennung: "+c)
	}
	if a := p.text(x.Address); a != "" {
		lines = append(lines, a)
	}
	if c := p.text(x.Country); c != "" {
		lines = append(lines, "Country / Страна / Land: "+c)
	}
	return lines
}

func (p *printer) station(s app.NoteStation) []string {
	lines := []string{p.name(s.Name, s.NameEn)}
	if c := p.text(s.Code); c != "" {
		lines = append(lines, "Code / Код / Code: "+c)
	}
	return lines
}

// route lists the itinerary in order; without one it is pieced together from the stations the
// note names.
func (p *printer) route(n app.ConsignmentNote) string {
	stops := n.Itinerary
	if len(stops) == 0 {
		stops = []app.NoteStation{n.From}
		if n.Border != nil {
			stops = append(stops, *n.Border)
		}
		if n.Transship != nil {
			stops = append(stops, *n.Transship)
		}
		stops = append(stops, n.To)
	}
	parts := make([]string, 0, len(stops))
	for i, s := range stops {
		part := strconv.Itoa(i+1) + ". " + p.name(s.Name, s.NameEn)
		if c := p.text(s.Code); c != "" {
			part += " (" + c + ")"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " → ")
}

func (p *printer) containers(cs []app.NoteContainer) *table {
	t := &table{
		label: "10 Containers / Контейнеры / Container",
		cols: []column{
			{title: "#", width: 10, right: true},
			{title: "Container no.\n№ контейнера\nContainer-Nr.", width: 40},
			{title: "Type\nТип\nTyp", width: 22},
			{title: "Seal\nПломба\nPlombe", width: 48},
			{title: "Gross, kg\nБрутто, кг\nBrutto, kg", width: 35, right: true},
			{title: "Parcels\nПосылки\nSendungen", width: 35, right: true},
		},
		empty:     "—",
		totalSpan: 2,
	}
	var grams int64
	weighed, parcels := 0, 0
	for i, c := range cs {
		parcels += c.Parcels
		// A box's gross mass is as weighed at loading, else its parcels' declared gross mass;
		// a box of neither (declared goods, not weighed) shows none.
		kg := "—"
		switch {
		case c.GrossKg > 0:
			grams += c.GrossKg * 1000
			kg = thousands(c.GrossKg)
			weighed++
		case toGrams(c.ParcelsKg) > 0:
			grams += toGrams(c.ParcelsKg)
			kg = kilograms(c.ParcelsKg)
			weighed++
		}
		t.rows = append(t.rows, []string{strconv.Itoa(i + 1), orDash(p.text(c.ContainerNo)),
			orDash(p.text(c.Type)), orDash(p.text(c.SealNo)), kg, thousands(int64(c.Parcels))})
	}
	if len(cs) > 0 {
		// The totals are the sums of the rows above, to the gram.
		total := "—"
		if weighed > 0 {
			total = kilograms(float64(grams) / 1000)
		}
		t.totals = [][]string{{fmt.Sprintf("Total / Итого / Summe: %d", len(cs)), "", "", total, thousands(int64(parcels))}}
	}
	return t
}

func (p *printer) goods(n app.ConsignmentNote) *table {
	t := &table{
		label: "11 Goods / Наименование груза / Bezeichnung des Gutes",
		cols: []column{
			{title: "#", width: 10, right: true},
			{title: "Description\nНаименование\nBezeichnung", width: 84},
			{title: "HS code\nКод ТН ВЭД\nHS-Code", width: 30},
			{title: "Packages\nМест\nPackstücke", width: 30, right: true},
			{title: "Gross, kg\nБрутто, кг\nBrutto, kg", width: 36, right: true},
		},
		empty:     "—",
		totalSpan: 3,
	}
	packages, grams := 0, int64(0)
	for i, g := range n.Goods {
		packages += g.Packages
		grams += toGrams(g.GrossKg) // as printed: the total is the sum of the lines to the gram
		t.rows = append(t.rows, []string{strconv.Itoa(i + 1), orDash(clip(p.text(g.Description))),
			orDash(p.text(g.HSCode)), thousands(int64(g.Packages)), kilograms(g.GrossKg)})
	}
	declared := "—"
	if n.DeclaredGrossKg > 0 {
		declared = thousands(n.DeclaredGrossKg)
	}
	t.totals = [][]string{
		{"Total / Итого / Summe", thousands(int64(packages)), kilograms(float64(grams) / 1000)},
		// What the booking declared, beside what was loaded: the carrier checks one against
		// the other.
		{"Declared in the booking / Заявлено в заказе / In der Buchung angemeldet", "—", declared},
	}
	return t
}

func (p *printer) documents(ds []app.NoteDocument) *table {
	t := &table{
		label: "12 Attached documents / Прилагаемые документы / Beigefügte Urkunden",
		cols: []column{
			{title: "#", width: 10, right: true},
			{title: "Document\nДокумент\nUrkunde", width: 52},
			{title: "ID\nИдентификатор\nKennung", width: 52},
			{title: "Customs no.\nТаможенный №\nZoll-Nr.", width: 48},
			{title: "Status\nСтатус\nStatus", width: 28},
		},
		empty: "none / нет / keine",
	}
	for i, d := range ds {
		t.rows = append(t.rows, []string{strconv.Itoa(i + 1), orDash(p.text(d.Kind)), orDash(p.text(d.ID)),
			orDash(p.text(d.Number)), orDash(p.text(d.Status))})
	}
	return t
}

func mode(m string) string {
	switch m {
	case "rail":
		return "rail / железнодорожный / Schiene"
	case "rail-sea":
		return "rail–sea / железнодорожно-морской / Schiene–See"
	case "":
		return "—"
	}
	return m
}

func day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02")
}

// clock prints a time with its offset, since the stations of one note lie in several time zones.
func clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Format("2006-01-02 15:04 Z07:00")
}

// thousands groups digits with spaces ("24 350"): unambiguous to English, Russian and German
// readers, for whom a comma or a point may be the decimal sign.
func thousands(v int64) string {
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// toGrams rounds a mass in kilograms to whole grams, the precision the note prints.
func toGrams(kg float64) int64 { return int64(math.Round(kg * 1000)) }

// kilograms prints a mass to at most three decimals (grams), trailing zeros dropped.
func kilograms(kg float64) string {
	g := int64(math.Round(math.Abs(kg) * 1000))
	s := thousands(g / 1000)
	if rem := g % 1000; rem != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", rem), "0")
	}
	if kg < 0 && g != 0 {
		s = "-" + s
	}
	return s
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= maxCell {
		return s
	}
	return string([]rune(s)[:maxCell-1]) + "…"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
