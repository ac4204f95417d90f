package web

import (
	"bytes"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

// Customs declarations: the list (by status, kind and trade mode, a page at a time), a
// declaration with its receipts and timeline, the CEB message it sent, its PDF (an entry
// declaration); inventory lists filed for chosen parcels and submitted, one or many at once;
// the cancellation of a list and the month's summary. Each page calls the use case the API's
// route calls (adapters/http/declarations.go) as the signed-in user. A declaration still with
// customs refreshes its status part every 2 s (htmx polling of /declarations/:id/status: one
// read of the declaration by _id besides the session), until customs has had its say.

func (w *Console) declarationRoutes(f *fiber.App) {
	f.Get("/declarations", w.handle(signedIn, declarationsPage))
	f.Get("/declarations/summary", w.handle(signedIn, summaryPage))
	f.Post("/declarations/summary", w.handle(signedIn, createSummary))
	f.Post("/declarations/inventory", w.handle(signedIn, createInventory))
	f.Post("/declarations/submit", w.handle(signedIn, submitDeclarations))
	f.Get("/declarations/:id", w.handle(signedIn, declarationPage))
	f.Get("/declarations/:id/status", w.handle(signedIn, declarationStatus))
	f.Get("/declarations/:id/message", w.handle(signedIn, messagePage))
	f.Get("/declarations/:id/message.xml", w.handle(signedIn, messageFile))
	f.Get("/declarations/:id/pdf", w.handle(signedIn, declarationPDF))
	f.Post("/declarations/:id/submit", w.handle(signedIn, submitDeclaration))
	f.Post("/declarations/:id/cancel", w.handle(signedIn, cancelDeclaration))
	f.Get("/declare", w.handle(signedIn, declarePage))
}

// pollInterval is how often a page asks for the status of a declaration still with customs.
const pollInterval = "every 2s"

// declTradeModes are the supervision modes the list's filter offers (the API's).
var declTradeModes = []string{"9610", "1210", "9710", "9810", "0110"}

// filer reports whether the user's organisation files declarations (an exporter, a broker):
// the operator reads them and files none, so its pages show no forms.
func (r *req) filer() bool {
	return r.actor.Kind == party.KindExporter || r.actor.Kind == party.KindBroker
}

// watched reports whether a declaration's status may still change without anyone acting:
// submitted and waiting for customs, or with customs and not released, rejected or cancelled.
// Released is not final (customs may still close a list, 结关), but nothing more comes for a
// long time: the page stops asking, and a reload shows what came since.
func watched(s customs.Status) bool {
	switch s {
	case customs.StatusSubmitted, customs.StatusStaged, customs.StatusDeclaring, customs.StatusSent,
		customs.StatusAccepted, customs.StatusManualReview, customs.StatusReviewFinished, customs.StatusInspection:
		return true
	}
	return false
}

// DeclStatus is a declaration status's label: its customs meaning.
func (v *view) DeclStatus(s customs.Status) string {
	if s == "" {
		return v.T("decl.status.unknown")
	}
	return v.T(declStatusKey + string(s))
}

// The keys of the labels of statuses and kinds: the prefix and the value.
const (
	declStatusKey = "decl.status."
	declKindKey   = "decl.kind."
)

// DeclKind is a declaration kind's label.
func (v *view) DeclKind(k customs.Kind) string { return v.T(declKindKey + string(k)) }

// Watched reports whether the page polls the declaration's status.
func (v *view) Watched(s customs.Status) bool { return watched(s) }

// PollEvery is the htmx trigger of a status that polls.
func (v *view) PollEvery() string { return pollInterval }

type declarationsData struct {
	Declarations            []*customs.Declaration
	Status, Kind, TradeMode string
	Statuses                []customs.Status
	Kinds                   []customs.Kind
	TradeModes              []string
	Page                    pager
	Filtered, Filer         bool
}

func declarationsPage(r *req) error {
	d := declarationsData{Statuses: customs.Statuses(), Kinds: customs.Kinds(), TradeModes: declTradeModes, Filer: r.filer()}
	f := customs.Filter{Limit: pageSize, Cursor: r.cursor()}
	if s := customs.Status(r.c.Query("status")); s.Valid() {
		f.Status, d.Status = s, string(s)
	}
	if k := customs.Kind(r.c.Query("kind")); k.Valid() {
		f.Kind, d.Kind = k, string(k)
	}
	if m := r.c.Query("tradeMode"); slices.Contains(declTradeModes, m) {
		f.TradeMode, d.TradeMode = m, m
	}
	d.Filtered = d.Status != "" || d.Kind != "" || d.TradeMode != ""
	p, err := r.w.uc.Customs.ListDeclarations(r.ctx(), r.actor, f)
	if err != nil {
		return err
	}
	d.Declarations, d.Page = p.Items, r.pageOf(p.NextCursor, len(p.Items))
	return r.render(fiber.StatusOK, "declarations", "decl.list.title", d)
}

type declarationData struct {
	Decl        customs.Record
	Watched     bool
	Filer       bool
	Cancellable bool // an inventory list the user may ask to cancel now
	Submittable bool // a draft, or a filing that failed before customs took it
	Form        *form
	OOB         bool // the actions replace the page's when the polled status settles
}

func (r *req) declarationData(d *customs.Declaration) declarationData {
	rec := d.Snapshot()
	rec.Message = nil // shown on its own page
	filer := r.filer()
	return declarationData{Decl: rec, Watched: watched(rec.Status), Filer: filer, Form: &form{},
		Cancellable: filer && d.CanBeCancelled(),
		// Only the firm that drafted a declaration submits it (a broker's, not its exporter).
		Submittable: d.FilerID() == r.actor.OrgID && (d.Editable() || d.Resubmittable())}
}

func declarationPage(r *req) error {
	d, err := r.w.uc.Customs.GetDeclaration(r.ctx(), r.actor, r.c.Params("id"))
	if err != nil {
		return err // another firm's declaration is NotFound, as is one that does not exist
	}
	data := r.declarationData(d)
	return r.render(fiber.StatusOK, "declaration", "decl.title", data, data.Decl.ID)
}

// declarationStatus is the part of the page that changes with customs' receipts: the status,
// customs' numbers and the receipts. ?row=1 is the status of a list row alone.
func declarationStatus(r *req) error {
	d, err := r.w.uc.Customs.GetDeclaration(r.ctx(), r.actor, r.c.Params("id"))
	if err != nil {
		return err
	}
	data := r.declarationData(d)
	if r.c.Query("row") == "1" {
		return r.fragment("declaration", data, "declrowstatus")
	}
	if data.Watched {
		return r.fragment("declaration", data, "declstatus")
	}
	// Customs has had its say: the actions it allows now (a cancellation, a new submission)
	// replace the page's too (an htmx out-of-band swap), once, as the polling ends.
	data.OOB = true
	return r.fragment("declaration", data, "declstatus", "declactions")
}

// fragment writes blocks of a page's template, without the layout: what htmx swaps in.
func (r *req) fragment(page string, data any, blocks ...string) error {
	t, ok := r.w.pages[page]
	if !ok {
		return domain.Internal(nil, "no page %s", page)
	}
	v := &view{r: r, Lang: r.lang, Data: data, CSRF: r.csrf, Path: string(r.c.Request().URI().RequestURI())}
	var b bytes.Buffer
	for _, block := range blocks {
		if err := t.ExecuteTemplate(&b, block, v); err != nil {
			r.w.log.Error("console: render", "page", page, "block", block, "err", err)
			return r.c.Status(fiber.StatusInternalServerError).SendString("render failed")
		}
	}
	r.c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return r.c.Status(fiber.StatusOK).Send(b.Bytes())
}

type messageData struct {
	ID, GUID string
	XML      string
}

func messagePage(r *req) error {
	id := r.c.Params("id")
	xml, err := r.w.uc.Customs.DeclarationMessage(r.ctx(), r.actor, id)
	if err != nil {
		if domain.CodeOf(err) == "message_not_found" {
			return r.render(fiber.StatusNotFound, "error", "decl.message.title", errorPage{Message: T(r.lang, "decl.message.none")}, id)
		}
		return err
	}
	return r.render(fiber.StatusOK, "declmessage", "decl.message.title", messageData{ID: id, XML: string(xml)}, id)
}

func messageFile(r *req) error {
	id := r.c.Params("id")
	xml, err := r.w.uc.Customs.DeclarationMessage(r.ctx(), r.actor, id)
	if err != nil {
		return err
	}
	r.c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	r.c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+safeFileName(id)+`.xml"`)
	return r.c.Send(xml)
}

func declarationPDF(r *req) error {
	id := r.c.Params("id")
	pdf, err := r.w.uc.Customs.EntryDeclarationPDF(r.ctx(), r.actor, id)
	if err != nil {
		return err
	}
	r.c.Set(fiber.HeaderContentType, "application/pdf")
	r.c.Set(fiber.HeaderContentDisposition, `inline; filename="`+safeFileName(id)+`.pdf"`)
	return r.c.Send(pdf)
}

// safeFileName keeps the letters, digits, '_' and '-' of a declaration id for a file name.
func safeFileName(id string) string {
	return strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			return c
		}
		return -1
	}, id)
}

// shown reports whether a use case's refusal is one a form shows (the input, a conflict, a
// state that does not allow the action), filling the form from it.
func (r *req) shown(f *form, err error) bool {
	if r.refused(f, err) {
		return true
	}
	switch domain.KindOf(err) {
	case domain.KindFailedPrecondition:
	case domain.KindForbidden: // the filing needs an authorisation the user's firm lacks
		if domain.CodeOf(err) != "authorization_required" {
			return false
		}
	default:
		return false
	}
	f.All = append(f.All, errorText(r.lang, string(domain.CodeOf(err))))
	return true
}

// submitDeclaration files one declaration and shows it again.
func submitDeclaration(r *req) error {
	id := r.c.Params("id")
	d, err := r.w.uc.Customs.SubmitDeclaration(r.ctx(), r.actor, id)
	if err != nil {
		f := &form{}
		if !r.shown(f, err) {
			return err
		}
		if d, err = r.w.uc.Customs.GetDeclaration(r.ctx(), r.actor, id); err != nil {
			return err
		}
		data := r.declarationData(d)
		data.Form = f
		return r.render(fiber.StatusUnprocessableEntity, "declaration", "decl.title", data, id)
	}
	return r.c.Redirect("/declarations/"+d.ID(), fiber.StatusSeeOther)
}

// cancelDeclaration drafts the cancellation (CEB605) of an inventory list and opens it, to be
// submitted from its page.
func cancelDeclaration(r *req) error {
	id := r.c.Params("id")
	reason := strings.TrimSpace(r.c.FormValue("reason"))
	d, err := r.w.uc.Customs.CreateCancelDeclaration(r.ctx(), r.actor, id, reason)
	if err != nil {
		f := &form{Values: map[string]string{"reason": reason}}
		if !r.shown(f, err) {
			return err
		}
		target, gerr := r.w.uc.Customs.GetDeclaration(r.ctx(), r.actor, id)
		if gerr != nil {
			return gerr
		}
		data := r.declarationData(target)
		data.Form = f
		return r.render(fiber.StatusUnprocessableEntity, "declaration", "decl.title", data, id)
	}
	return r.c.Redirect("/declarations/"+d.ID(), fiber.StatusSeeOther)
}

type declareData struct {
	Parcels []*parcel.Parcel
	Status  string
	Page    pager
	Form    *form
}

// declarePage lists the parcels a list may be filed for — registered, or rejected and
// corrected — a page at a time, to choose from.
func declarePage(r *req) error {
	if !r.filer() {
		return r.notFound()
	}
	d := declareData{Status: string(parcel.StatusRegistered)}
	if r.c.Query("status") == string(parcel.StatusRejected) {
		d.Status = string(parcel.StatusRejected)
	}
	p, err := r.w.uc.Parcels.ListParcels(r.ctx(), r.actor, parcel.Filter{Limit: pageSize, Cursor: r.cursor(), Status: parcel.Status(d.Status)})
	if err != nil {
		return err
	}
	d.Parcels, d.Page = p.Items, r.pageOf(p.NextCursor, len(p.Items))
	return r.render(fiber.StatusOK, "declare", "decl.declare.title", d)
}

// resultRow is one item of a bulk request as the results page shows it.
type resultRow struct {
	Ref, ID     string
	Status      string // created, duplicate, submitted, invalid
	LogisticsNo string
	DeclStatus  customs.Status
	Errors      []string
}

type resultsData struct {
	Action               string // "inventory" or "submit"
	Rows                 []resultRow
	Done, Invalid        int
	Submittable          []string // the ids a next step may submit
	ParcelRefs, Watching bool
}

// results turns the use case's per-item results into rows, in the page's language.
func (r *req) results(res []app.DeclarationResult, action string) resultsData {
	out := resultsData{Action: action, ParcelRefs: action == "inventory"}
	for _, it := range res {
		row := resultRow{Ref: it.Ref, ID: it.ID, Status: string(it.Status)}
		if it.Declaration != nil {
			row.DeclStatus = it.Declaration.Status()
			if inv, ok := it.Declaration.Inventory(); ok {
				row.LogisticsNo = inv.Parcel.LogisticsNo
			}
		}
		for _, e := range it.Errors {
			row.Errors = append(row.Errors, fieldErrorText(r.lang, e.Field, string(e.Code)))
		}
		switch {
		case it.Status == app.ItemInvalid:
			out.Invalid++
		case action == "submit":
			row.Status = "submitted"
			out.Done++
			if watched(row.DeclStatus) {
				out.Watching = true
			}
		default:
			out.Done++
			if it.Declaration == nil || it.Declaration.Editable() || it.Declaration.Resubmittable() {
				out.Submittable = append(out.Submittable, it.ID)
			}
		}
		out.Rows = append(out.Rows, row)
	}
	return out
}

// formList is a field sent many times (checkboxes, hidden ids), in order, without blanks.
func (r *req) formList(name string) []string {
	var out []string
	for _, v := range r.c.Request().PostArgs().PeekMulti(name) {
		if s := strings.TrimSpace(string(v)); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// createInventory drafts the inventory lists of the chosen parcels and shows each parcel's
// result, with the drafts ready to submit.
func createInventory(r *req) error {
	ids := r.formList("parcelIds")
	if len(ids) == 0 {
		f := &form{All: []string{T(r.lang, "decl.declare.none")}}
		return r.declareAgain(f)
	}
	res, err := r.w.uc.Customs.CreateInventoryDeclarations(r.ctx(), r.actor, ids, "")
	if err != nil {
		f := &form{}
		if !r.shown(f, err) {
			return err
		}
		return r.declareAgain(f)
	}
	return r.render(fiber.StatusOK, "declresults", "decl.results.inventory.title", r.results(res, "inventory"))
}

// declareAgain shows the first page of declarable parcels with the form's problems.
func (r *req) declareAgain(f *form) error {
	p, err := r.w.uc.Parcels.ListParcels(r.ctx(), r.actor, parcel.Filter{Limit: pageSize, Status: parcel.StatusRegistered})
	if err != nil {
		return err
	}
	d := declareData{Status: string(parcel.StatusRegistered), Parcels: p.Items, Form: f}
	d.Page = pager{Count: len(p.Items)}
	if p.NextCursor != "" {
		d.Page.Next = "/declare?cursor=" + p.NextCursor
	}
	return r.render(fiber.StatusUnprocessableEntity, "declare", "decl.declare.title", d)
}

// submitDeclarations submits the chosen declarations at once and shows each one's result.
func submitDeclarations(r *req) error {
	ids := r.formList("ids")
	if len(ids) == 0 {
		return r.render(fiber.StatusUnprocessableEntity, "error", "error.title", errorPage{Message: T(r.lang, "decl.submit.none")})
	}
	res, err := r.w.uc.Customs.SubmitDeclarations(r.ctx(), r.actor, ids)
	if err != nil {
		return err
	}
	return r.render(fiber.StatusOK, "declresults", "decl.results.submit.title", r.results(res, "submit"))
}

type summaryData struct {
	Broker    bool
	Summaries []*customs.Declaration
	Drafts    []string // the summaries still to submit
	Form      *form
}

// summaryPage is the form of the month's summary declarations (汇总申报).
func summaryPage(r *req) error {
	if !r.filer() {
		return r.notFound()
	}
	return r.render(fiber.StatusOK, "declsummary", "decl.summary.title", summaryData{Broker: r.actor.Kind == party.KindBroker, Form: &form{}})
}

func createSummary(r *req) error {
	if !r.filer() {
		return r.notFound()
	}
	month, exporter := strings.TrimSpace(r.c.FormValue("month")), strings.TrimSpace(r.c.FormValue("exporterId"))
	d := summaryData{Broker: r.actor.Kind == party.KindBroker,
		Form: &form{Values: map[string]string{"month": month, "exporterId": exporter}}}
	ds, err := r.w.uc.Customs.CreateSummaryDeclarations(r.ctx(), r.actor, exporter, month)
	if err != nil {
		if !r.shown(d.Form, err) {
			return err
		}
		return r.render(fiber.StatusUnprocessableEntity, "declsummary", "decl.summary.title", d)
	}
	d.Summaries = ds
	for _, s := range ds {
		if s.Editable() {
			d.Drafts = append(d.Drafts, s.ID())
		}
	}
	if len(ds) == 0 {
		d.Form.Done = T(r.lang, "decl.summary.nothing")
	} else {
		d.Form.Done = Tf(r.lang, "decl.summary.made", len(ds))
	}
	return r.render(fiber.StatusOK, "declsummary", "decl.summary.title", d)
}
