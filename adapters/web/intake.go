package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/adapters/spreadsheet"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Parcel intake: registering one parcel through a form (POST /v1/parcels' use case) and
// uploading a CSV or XLSX file (POST /v1/parcels/import's), whose problems are shown at their
// rows and can be downloaded as a CSV list.

// uploadLimit is the largest upload the import page takes: the API's default bulk body limit.
const uploadLimit = 16 << 20

// maxItemRows bounds the goods rows one form may send (a parcel has at most 100 lines).
const maxItemRows = 100

func (w *Console) intakeRoutes(f *fiber.App) {
	if w.uploads == nil {
		w.uploads = newMemoryUploads()
	}
	f.Get("/parcels/new", w.handle(signedIn, newParcelPage))
	f.Post("/parcels/new", w.handle(signedIn, registerParcel))
	f.Get("/parcels/import", w.handle(signedIn, importPage))
	f.Post("/parcels/import", w.handleUpTo(signedIn, uploadLimit, importFile))
	f.Get("/parcels/import/:id/errors.csv", w.handle(signedIn, importErrorsCSV))
}

// parcelFields are the form's parcel fields, named as the API's JSON paths, so that a use case's
// field error ("consignee.name", "items[1].gcode") lands at its input.
var parcelFields = []string{"tradeMode", "exporterId", "orderNo", "logisticsCode", "logisticsNo",
	"consignee.name", "consignee.country", "consignee.city", "consignee.address", "consignee.phone",
	"destinationCountry", "currency", "grossWeightKg", "netWeightKg", "freight", "insuredFee",
	"emsNo", "ebpCode", "ebpName", "payCode", "ownerCode", "ownerName", "note"}

// itemFields are a goods row's fields.
var itemFields = []string{"gname", "gcode", "gmodel", "qty", "unit", "price", "totalPrice", "originCountry",
	"itemNo", "itemRecordNo", "barCode", "netWeightKg"}

type newParcelData struct {
	Form     *form
	Sections []fieldSection
	Rows     []itemRow // the goods rows
	// Elsewhere are the problems of no input of the form ("items": no goods at all), for the
	// summary, which links every other problem to its input.
	Elsewhere []string
}

// itemRow is one goods row of the form: its number (from 1) and its inputs.
type itemRow struct {
	N      int
	Fields []inputField
}

type fieldSection struct {
	Key    string // the heading's key
	Fields []inputField
}

// inputField is one input of the parcel form: its name (the API's path), its HTML id, its label.
type inputField struct {
	Name, ID, Label string
	Required        bool
	Kind            string // "text", "number", "select" (the trade mode), "textarea"
}

// The parcel form's sections: the API's fields, named by their paths.
var parcelSections = []struct {
	key    string
	fields []string
}{
	{"intake.s.parcel", []string{"tradeMode", "exporterId", "orderNo", "logisticsCode", "logisticsNo", "emsNo"}},
	{"intake.s.consignee", []string{"consignee.name", "consignee.country", "consignee.city", "consignee.address", "consignee.phone", "destinationCountry"}},
	{"intake.s.money", []string{"currency", "grossWeightKg", "netWeightKg", "freight", "insuredFee"}},
	{"intake.s.parties", []string{"ebpCode", "ebpName", "payCode", "ownerCode", "ownerName", "note"}},
}

var requiredFields = map[string]bool{"tradeMode": true, "orderNo": true, "logisticsCode": true, "logisticsNo": true,
	"consignee.name": true, "consignee.country": true, "consignee.city": true, "consignee.address": true,
	"destinationCountry": true, "currency": true, "grossWeightKg": true, "netWeightKg": true}

var requiredItemFields = map[string]bool{"gname": true, "gcode": true, "gmodel": true, "qty": true, "unit": true, "price": true, "originCountry": true}

var numberFields = map[string]bool{"grossWeightKg": true, "netWeightKg": true, "freight": true, "insuredFee": true,
	"qty": true, "price": true, "totalPrice": true}

// parcelForm lays the form out in the page's language with rows goods rows; the operator names
// the exporter, an exporter registers its own.
func (r *req) parcelForm(f *form, rows int) newParcelData {
	d := newParcelData{Form: f}
	for _, s := range parcelSections {
		sec := fieldSection{Key: s.key}
		for _, name := range s.fields {
			if name == "exporterId" && !r.actor.IsOperator() {
				continue
			}
			in := inputField{Name: name, ID: fieldID(name), Label: fieldLabel(r.lang, "f", name), Required: requiredFields[name] || name == "exporterId", Kind: "text"}
			switch {
			case name == "tradeMode":
				in.Kind = "select"
			case name == "note":
				in.Kind = "textarea"
			case numberFields[name]:
				in.Kind = "number"
			}
			sec.Fields = append(sec.Fields, in)
		}
		d.Sections = append(d.Sections, sec)
	}
	for i := 0; i < rows; i++ {
		var row []inputField
		for _, name := range itemFields {
			n := "items[" + strconv.Itoa(i) + "]." + name
			in := inputField{Name: n, ID: fieldID(n), Label: fieldLabel(r.lang, "i", name), Required: requiredItemFields[name], Kind: "text"}
			if numberFields[name] || name == "netWeightKg" {
				in.Kind = "number"
			}
			row = append(row, in)
		}
		d.Rows = append(d.Rows, itemRow{N: i + 1, Fields: row})
	}
	shown := map[string]bool{}
	for _, sec := range d.Sections {
		for _, in := range sec.Fields {
			shown[in.Name] = true
		}
	}
	for _, row := range d.Rows {
		for _, in := range row.Fields {
			shown[in.Name] = true
		}
	}
	if f != nil {
		for field, text := range f.ByField {
			if !shown[field] {
				d.Elsewhere = append(d.Elsewhere, text)
			}
		}
		if len(f.ByField) == 0 {
			d.Elsewhere = f.All
		}
		slices.Sort(d.Elsewhere)
	}
	return d
}

// fieldID turns a field path into an HTML id: items[1].gcode → f-items-1-gcode.
func fieldID(path string) string {
	return "f-" + strings.NewReplacer("[", "-", "].", "-", "]", "", ".", "-").Replace(path)
}

func newParcelPage(r *req) error {
	if err := app.MayRegisterParcels(r.actor); err != nil {
		return err // a broker: the 404 page, as the menu has no such entry for it
	}
	f := &form{Values: map[string]string{"tradeMode": parcel.TradeMode9610, "currency": "CNY"}}
	return r.render(fiber.StatusOK, "parcelnew", "intake.new.title", r.parcelForm(f, rowsOf(0)))
}

// rowsOf is how many goods rows a form shows: the rows filled in and one blank, at least three.
func rowsOf(filled int) int { return min(max(3, filled+1), maxItemRows) }

// registerParcel registers the form's parcel with the API's use case; a refused one comes back
// with each problem at its field.
func registerParcel(r *req) error {
	if err := app.MayRegisterParcels(r.actor); err != nil {
		return err
	}
	values := map[string]string{}
	r.c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if key := string(k); key != fieldCSRF {
			values[key] = strings.TrimSpace(string(v))
		}
	})
	d, rowOf, problems := draftOf(values)
	f := &form{Values: values}
	var p *parcel.Parcel
	var err error
	if len(problems) == 0 {
		p, _, err = r.w.uc.Parcels.RegisterParcel(r.ctx(), r.actor, d)
	} else {
		err = &domain.Error{Kind: domain.KindInvalid, Code: problems[0].Code, Message: problems[0].Message, Fields: problems}
	}
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) {
			for i := range de.Fields { // item paths count the rows sent, not the blank ones
				de.Fields[i].Field = formPath(de.Fields[i].Field, rowOf)
			}
		}
		if !r.refused(f, err) {
			return err
		}
		filled := 0
		for _, row := range rowOf {
			filled = max(filled, row+1)
		}
		return r.render(fiber.StatusUnprocessableEntity, "parcelnew", "intake.new.title", r.parcelForm(f, rowsOf(filled)))
	}
	return r.c.Redirect("/parcels/"+url.PathEscape(p.ID()), fiber.StatusSeeOther)
}

var itemPath = regexp.MustCompile(`^items\[(\d+)\]`)

// formPath turns a field path of the draft into the form's: item k of the draft is form row
// rowOf[k] (blank rows are left out of the draft).
func formPath(path string, rowOf []int) string {
	m := itemPath.FindStringSubmatch(path)
	if m == nil {
		return path
	}
	k, _ := strconv.Atoi(m[1])
	if k < 0 || k >= len(rowOf) {
		return path
	}
	return "items[" + strconv.Itoa(rowOf[k]) + "]" + path[len(m[0]):]
}

// draftOf reads the form into the API's draft: numbers as the API's decimals, blank goods rows
// left out. rowOf maps each item of the draft to its form row; problems are the numbers that
// cannot be read, at their fields.
func draftOf(v map[string]string) (d parcel.Draft, rowOf []int, problems []domain.FieldError) {
	dec := func(field string) code.Decimal {
		s := v[field]
		if s == "" {
			return code.Decimal{}
		}
		x, err := code.ParseDecimal(s)
		if err != nil {
			problems = append(problems, domain.FieldError{Field: field, Code: domain.CodeOf(err), Message: err.Error()})
		}
		return x
	}
	opt := func(field string) *code.Decimal {
		if v[field] == "" {
			return nil
		}
		x := dec(field)
		return &x
	}
	d = parcel.Draft{TradeMode: v["tradeMode"], ExporterID: v["exporterId"], OrderNo: v["orderNo"],
		EbpCode: v["ebpCode"], EbpName: v["ebpName"], OwnerCode: v["ownerCode"], OwnerName: v["ownerName"], PayCode: v["payCode"],
		LogisticsCode: v["logisticsCode"], LogisticsNo: v["logisticsNo"],
		Consignee: parcel.Consignee{Name: v["consignee.name"], Country: v["consignee.country"], City: v["consignee.city"],
			Address: v["consignee.address"], Phone: v["consignee.phone"]},
		DestinationCountry: v["destinationCountry"], Currency: v["currency"],
		GrossWeightKg: dec("grossWeightKg"), NetWeightKg: dec("netWeightKg"), Freight: dec("freight"), InsuredFee: dec("insuredFee"),
		EmsNo: v["emsNo"], Note: v["note"]}
	for row := 0; row < maxItemRows; row++ {
		p := "items[" + strconv.Itoa(row) + "]."
		blank := true
		for _, name := range itemFields {
			if v[p+name] != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		it := parcel.DraftItem{ItemNo: v[p+"itemNo"], ItemRecordNo: v[p+"itemRecordNo"], Gcode: v[p+"gcode"], Gname: v[p+"gname"],
			Gmodel: v[p+"gmodel"], Qty: dec(p + "qty"), Unit: v[p+"unit"], Price: opt(p + "price"), TotalPrice: opt(p + "totalPrice"),
			OriginCountry: v[p+"originCountry"], BarCode: v[p+"barCode"], NetWeightKg: opt(p + "netWeightKg")}
		d.Items = append(d.Items, it)
		rowOf = append(rowOf, row)
	}
	return d, rowOf, problems
}

// The upload.

type importData struct {
	Form      *form
	Result    *importResult
	Problems  []importProblem // at most maxProblemsShown
	Hidden    int             // problems not shown on the page (in the downloaded list)
	ResultID  string
	FileLevel bool // the whole file was refused
}

// maxProblemsShown bounds the problems a result page lists; the downloaded list has them all.
const maxProblemsShown = 200

func importPage(r *req) error {
	if err := app.MayRegisterParcels(r.actor); err != nil {
		return err
	}
	return r.render(fiber.StatusOK, "parcelimport", "intake.import.title", importData{Form: &form{}})
}

// importFile registers the parcels of an uploaded CSV or XLSX as POST /v1/parcels/import does:
// the same reading (spreadsheet.Parse), the same use case (RegisterParcels) for the readable
// parcels. The page shows what was registered and each problem at its row; the problems (not
// the file) are kept for the download link.
func importFile(r *req) error {
	if err := app.MayRegisterParcels(r.actor); err != nil {
		return err
	}
	refuse := func(e *domain.Error) error {
		f := &form{}
		r.refused(f, e)
		return r.render(fiber.StatusUnprocessableEntity, "parcelimport", "intake.import.title", importData{Form: f, FileLevel: true})
	}
	fh, err := r.c.FormFile("file")
	if err != nil {
		return refuse(domain.InvalidField("file", "file_required", "choose a CSV or XLSX file"))
	}
	file, err := fh.Open()
	if err != nil {
		return domain.Internal(err, "open upload")
	}
	content, err := io.ReadAll(file)
	file.Close()
	if err != nil {
		return domain.Internal(err, "read upload")
	}
	imp, err := spreadsheet.Parse(fh.Filename, content, app.MaxBatch*100)
	content = nil
	var fe *spreadsheet.FileError
	if errors.As(err, &fe) {
		loc := fe.Location()
		res := &importResult{Session: r.session.ID, File: fh.Filename}
		res.add(loc, string(fe.Code), fe.Message)
		f := &form{ByField: map[string]string{"file": problemText(r.lang, res.Problems[0])}}
		f.All = []string{f.ByField["file"]}
		d := importData{Form: f, Result: res, Problems: res.Problems, FileLevel: true}
		return r.render(fiber.StatusUnprocessableEntity, "parcelimport", "intake.import.title", d)
	}
	if err != nil {
		return domain.Internal(err, "parse upload")
	}
	if len(imp.Parcels) == 0 || len(imp.Parcels) > app.MaxBatch {
		return refuse(domain.InvalidField("file", "invalid_batch_size", "a file holds 1 to 1000 parcels"))
	}
	res := &importResult{Session: r.session.ID, File: fh.Filename, Rows: imp.DataRows, Parcels: len(imp.Parcels)}
	items := make([]app.DecodedParcel, len(imp.Parcels))
	for i, p := range imp.Parcels {
		items[i] = app.DecodedParcel{Draft: p.Draft, Problems: p.Problems}
	}
	out, err := r.w.uc.Parcels.RegisterDecoded(r.ctx(), r.actor, items, func(i int, field string) string {
		return imp.Parcels[i].Locate(field)
	})
	if err != nil {
		return err
	}
	res.Created, res.Duplicates, res.Invalid = out.Created, out.Duplicates, out.Invalid
	for i, pr := range out.Results {
		if pr.Status == app.ItemCreated {
			res.RowsAccepted += len(imp.Parcels[i].Rows)
		}
		for _, e := range pr.Errors {
			res.add(e.Field, string(e.Code), e.Message)
		}
	}
	res.sort()
	d := importData{Form: &form{}, Result: res, Problems: res.Problems}
	if len(d.Problems) > maxProblemsShown {
		d.Problems, d.Hidden = d.Problems[:maxProblemsShown], len(d.Problems)-maxProblemsShown
	}
	if len(res.Problems) > 0 {
		// The parcels are registered: a store that fails leaves the page without its link.
		if d.ResultID, err = r.keep(res); err != nil {
			r.w.log.Error("console: keep an upload's problems", "err", err)
			d.ResultID = ""
		}
	}
	status := fiber.StatusOK
	if res.Created == 0 && res.Duplicates == 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return r.render(status, "parcelimport", "intake.import.title", d)
}

// importErrorsCSV downloads an upload's problems: row, column, code and message, in the page's
// language. Only the session that uploaded the file may download them, for importResultTTL.
func importErrorsCSV(r *req) error {
	res, err := r.kept(r.c.Params("id"))
	if err != nil {
		return err
	}
	if res == nil {
		return r.notFound()
	}
	var b bytes.Buffer
	b.WriteString("\ufeff") // Excel reads the file as UTF-8
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{T(r.lang, "intake.csv.row"), T(r.lang, "intake.csv.column"), T(r.lang, "intake.csv.code"), T(r.lang, "intake.csv.message")})
	for _, p := range res.Problems {
		row := ""
		if p.Row > 0 {
			row = strconv.Itoa(p.Row)
		}
		_ = cw.Write([]string{row, safeCell(p.Column), safeCell(p.Code), safeCell(problemText(r.lang, p))})
	}
	cw.Flush()
	name := strings.TrimSuffix(strings.TrimSuffix(res.File, ".xlsx"), ".csv")
	r.c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	r.c.Set(fiber.HeaderContentDisposition, `attachment; filename="errors.csv"; filename*=UTF-8''`+url.PathEscape(name+"-errors.csv"))
	return r.c.Status(fiber.StatusOK).Send(b.Bytes())
}

// safeCell keeps a spreadsheet from reading a cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// problemText is a problem's message in lang: the catalogue's text for its code, else the general
// one naming the code with the API's message.
func problemText(lang Lang, p importProblem) string {
	field := "file"
	if open, end := strings.LastIndexByte(p.Column, '('), strings.LastIndexByte(p.Column, ')'); open >= 0 && end > open {
		field = p.Column[open+1 : end] // "M (gcode)"
	}
	if _, ok := messages["err."+p.Code]; ok {
		return fieldErrorText(lang, field, p.Code)
	}
	return errorText(lang, p.Code) + " " + p.Message
}

// importResult is what an upload came to. Problems are all of them, in row order.
type importResult struct {
	Session string `json:"session"` // the session that uploaded it: only it downloads the list
	File    string `json:"file"`

	Rows         int             `json:"rows"`
	Parcels      int             `json:"parcels"`
	Created      int             `json:"created"`
	Duplicates   int             `json:"duplicates"`
	Invalid      int             `json:"invalid"`
	RowsAccepted int             `json:"rowsAccepted"`
	Problems     []importProblem `json:"problems"`
	Cut          bool            `json:"cut,omitempty"` // more problems than maxKeptProblems: the list holds the first
}

// importProblem is one problem of an upload: its sheet row (0: the file as a whole), its
// column ("V (商品编码)") and code, and the API's message.
type importProblem struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

var located = regexp.MustCompile(`^row (\d+)(?:, column (.+))?$`)

// add records a problem at a location in spreadsheet.Locate's form ("row 4, column V (gcode)").
func (res *importResult) add(loc, code, message string) {
	p := importProblem{Code: code, Message: message, Column: loc}
	if m := located.FindStringSubmatch(loc); m != nil {
		p.Row, _ = strconv.Atoi(m[1])
		p.Column = m[2]
	} else if c, ok := strings.CutPrefix(loc, "column "); ok {
		p.Column = c
	}
	res.Problems = append(res.Problems, p)
}

func (res *importResult) sort() {
	sort.SliceStable(res.Problems, func(i, j int) bool { return res.Problems[i].Row < res.Problems[j].Row })
}

// UploadStore keeps what an upload came to, for its download link: short-lived values by key
// (adapters/redis.Scratch: SET EX and GET, so that the link works on whichever instance it
// reaches). Get returns nil once a value has expired.
type UploadStore interface {
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	Get(ctx context.Context, key string) ([]byte, error)
}

// KeepUploadsIn sets where the problems of uploads are kept; without it they are kept in this
// process (memoryUploads), which serves one instance only.
func (w *Console) KeepUploadsIn(s UploadStore) { w.uploads = s }

// What is kept of an upload: only its problems and counts, never the file, for importResultTTL,
// under a random id and bound to the session that uploaded it; at most maxKeptProblems
// problems (the page says when the list was cut).
const (
	importResultTTL = 30 * time.Minute
	maxKeptProblems = 10_000
	uploadKeyPrefix = "import:"
)

// keep stores res for its download link and returns the link's id.
func (r *req) keep(res *importResult) (string, error) {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	kept := *res
	if len(kept.Problems) > maxKeptProblems {
		kept.Problems, kept.Cut = kept.Problems[:maxKeptProblems], true
		res.Cut = true
	}
	body, err := json.Marshal(kept)
	if err != nil {
		return "", err
	}
	return id, r.w.uploads.Put(r.ctx(), uploadKeyPrefix+id, body, importResultTTL)
}

// kept is the upload kept under id, if the user's session made it and it has not expired.
func (r *req) kept(id string) (*importResult, error) {
	body, err := r.w.uploads.Get(r.ctx(), uploadKeyPrefix+id)
	if err != nil || body == nil {
		return nil, err
	}
	var res importResult
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(res.Session), []byte(r.session.ID)) != 1 {
		return nil, nil
	}
	return &res, nil
}

// memoryUploads is the UploadStore of a single instance: at most maxMemoryUploads values (the
// oldest go first), each until its expiry.
type memoryUploads struct {
	mu    sync.Mutex
	byKey map[string]memoryUpload
	order []string // oldest first
}

type memoryUpload struct {
	value []byte
	until time.Time
}

const maxMemoryUploads = 64

func newMemoryUploads() *memoryUploads { return &memoryUploads{byKey: map[string]memoryUpload{}} }

func (s *memoryUploads) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for len(s.order) > 0 && (len(s.order) >= maxMemoryUploads || now.After(s.byKey[s.order[0]].until)) {
		delete(s.byKey, s.order[0])
		s.order = s.order[1:]
	}
	s.byKey[key] = memoryUpload{value: value, until: now.Add(ttl)}
	s.order = append(s.order, key)
	return nil
}

func (s *memoryUploads) Get(_ context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.byKey[key]
	if !ok || time.Now().After(v.until) {
		return nil, nil
	}
	return v.value, nil
}

// ProblemText is an upload problem's message in the page's language.
func (v *view) ProblemText(p importProblem) string { return problemText(v.Lang, p) }

// fieldLabel is the label of a parcel field ("f") or a goods field ("i").
func fieldLabel(lang Lang, group, name string) string { return T(lang, "intake."+group+"."+name) }

// intakeNav are the menu entries of the intake, authorisation and administration pages: parcel
// registration for exporters and the operator, authorisations for exporters and brokers (and
// the operator, who sees them all), the audit log for the operator.
func (r *req) intakeNav() []navItem {
	var items []navItem
	if app.MayRegisterParcels(r.actor) == nil {
		items = append(items, navItem{Href: "/parcels/new", Key: "nav.intake.new"}, navItem{Href: "/parcels/import", Key: "nav.intake.import"})
	}
	items = append(items, navItem{Href: "/authorizations", Key: "nav.auths"})
	if r.actor.IsOperator() {
		items = append(items, navItem{Href: "/audit-log", Key: "nav.audit"})
	}
	return items
}
