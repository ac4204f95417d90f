package http

import (
	"errors"
	"slices"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
)

type filingView struct {
	GUID        string         `json:"guid"`
	CopNo       string         `json:"copNo"`
	SubmittedAt time.Time      `json:"submittedAt"`
	Status      customs.Status `json:"status"`
}

type declarationView struct {
	ID              string                  `json:"id"`
	Kind            customs.Kind            `json:"kind"`
	TradeMode       string                  `json:"tradeMode,omitempty"`
	ExporterID      string                  `json:"exporterId"`
	FilerID         string                  `json:"filerId"`
	Status          customs.Status          `json:"status"`
	GUID            string                  `json:"guid,omitempty"`
	CopNo           string                  `json:"copNo,omitempty"`
	PreNo           string                  `json:"preNo,omitempty"`
	InvtNo          string                  `json:"invtNo,omitempty"`
	EntryID         string                  `json:"entryId,omitempty"`
	SumNo           string                  `json:"sumNo,omitempty"`
	DecTmpNo        string                  `json:"decTmpNo,omitempty"`
	EntryIDs        []string                `json:"entryIds,omitempty"`
	FailReason      string                  `json:"failReason,omitempty"`
	SubmittedAt     *time.Time              `json:"submittedAt,omitempty"`
	ReleasedAt      *time.Time              `json:"releasedAt,omitempty"`
	ClearanceSecs   *float64                `json:"clearanceSeconds,omitempty"`
	CancelledBy     string                  `json:"cancelledBy,omitempty"`
	SummaryID       string                  `json:"summaryId,omitempty"`
	SummaryEntryIDs []string                `json:"summaryEntryIds,omitempty"`
	Inventory       *customs.Inventory      `json:"inventory,omitempty"`
	Entry           *customs.Entry          `json:"entry,omitempty"`
	Cancel          *customs.Cancellation   `json:"cancel,omitempty"`
	Summary         *customs.Summary        `json:"summary,omitempty"`
	Departure       *customs.Departure      `json:"departure,omitempty"`
	Document        *customs.Document       `json:"document,omitempty"`
	Arrival         *customs.Arrival        `json:"arrival,omitempty"`
	Filings         []filingView            `json:"earlierFilings,omitempty"`
	Receipts        []customs.ReceiptRecord `json:"receipts,omitempty"`
	Timeline        []customs.TimelineEntry `json:"timeline,omitempty"`
	CreatedAt       time.Time               `json:"createdAt"`
	UpdatedAt       time.Time               `json:"updatedAt"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func viewDeclaration(d *customs.Declaration) declarationView {
	r := d.Snapshot()
	v := declarationView{
		ID: r.ID, Kind: r.Kind, TradeMode: r.TradeMode, ExporterID: r.ExporterID, FilerID: r.FilerID, Status: r.Status,
		GUID: r.GUID, CopNo: r.CopNo, PreNo: r.PreNo, InvtNo: r.InvtNo, EntryID: r.EntryID, SumNo: r.SumNo,
		DecTmpNo: r.DecTmpNo, EntryIDs: r.EntryIDs, FailReason: r.FailReason, SubmittedAt: timePtr(r.SubmittedAt), ReleasedAt: timePtr(r.ReleasedAt),
		CancelledBy: r.CancelledBy, SummaryID: r.SummaryID, SummaryEntryIDs: r.SummaryEntryIDs,
		Inventory: r.Inventory, Entry: r.Entry, Cancel: r.Cancel, Summary: r.Summary, Departure: r.Departure,
		Document: r.Document, Arrival: r.Arrival, Receipts: r.Receipts, Timeline: r.Timeline, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
	}
	if dur, ok := d.ClearanceTime(); ok {
		secs := dur.Seconds()
		v.ClearanceSecs = &secs
	}
	for _, f := range r.Filings {
		v.Filings = append(v.Filings, filingView{GUID: f.GUID, CopNo: f.CopNo, SubmittedAt: f.SubmittedAt, Status: f.Status})
	}
	return v
}

// viewDeclarationSummary leaves the receipts and timeline out, for lists.
func viewDeclarationSummary(d *customs.Declaration) declarationView {
	v := viewDeclaration(d)
	v.Receipts, v.Timeline = nil, nil
	return v
}

type createDeclarationRequest struct {
	Kind          string              `json:"kind"`
	ParcelIDs     []string            `json:"parcelIds"`
	BookingID     string              `json:"bookingId"` // kind "inventory": the train booking the parcels travel on
	Documents     []customs.Kind      `json:"documents"` // kind "documents": which of order, payment, waybill (all when empty)
	ExporterID    string              `json:"exporterId"`
	Month         string              `json:"month"`
	DeclarationID string              `json:"declarationId"`
	Reason        string              `json:"reason"`
	Entry         *customs.EntryDraft `json:"entry"`
}

type declarationItemView struct {
	Index    int                 `json:"index"`
	ParcelID string              `json:"parcelId,omitempty"`
	ID       string              `json:"id,omitempty"`
	Status   app.ItemStatus      `json:"status"`
	Errors   []domain.FieldError `json:"errors,omitempty"`
}

type declarationBatchView struct {
	Created    int                   `json:"created"`
	Duplicates int                   `json:"duplicates"`
	Invalid    int                   `json:"invalid"`
	Results    []declarationItemView `json:"results"`
}

func viewDeclarationResults(results []app.DeclarationResult, refIsParcel bool) declarationBatchView {
	out := declarationBatchView{Results: make([]declarationItemView, len(results))}
	for i, r := range results {
		v := declarationItemView{Index: r.Index, ID: r.ID, Status: r.Status, Errors: r.Errors}
		if refIsParcel {
			v.ParcelID = r.Ref
		}
		out.Results[i] = v
		switch r.Status {
		case app.ItemCreated:
			out.Created++
		case app.ItemDuplicate:
			out.Duplicates++
		default:
			out.Invalid++
		}
	}
	return out
}

// createDeclaration drafts declarations of every kind: inventory lists for parcels (per-item
// results), an entry declaration, the summaries of a month, or a cancellation.
func (h *handlers) createDeclaration(c *fiber.Ctx) error {
	var req createDeclarationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, actor := c.UserContext(), actorOf(c)
	switch customs.Kind(req.Kind) {
	case customs.KindInventory:
		res, err := h.customs.CreateInventoryDeclarations(ctx, actor, req.ParcelIDs, req.BookingID)
		if err != nil {
			return err
		}
		return c.JSON(viewDeclarationResults(res, true))
	case "documents", customs.KindOrder, customs.KindPayment, customs.KindWaybill:
		kinds := req.Documents
		if req.Kind != "documents" {
			kinds = []customs.Kind{customs.Kind(req.Kind)}
		}
		res, err := h.customs.CreateDocuments(ctx, actor, req.ParcelIDs, kinds)
		if err != nil {
			return err
		}
		return c.JSON(viewDeclarationResults(res, true))
	case customs.KindEntry:
		if req.Entry == nil {
			return domain.InvalidField("entry", "required", "an entry declaration needs its content in \"entry\"")
		}
		d, err := h.customs.CreateEntryDeclaration(ctx, actor, req.ExporterID, *req.Entry)
		if err != nil {
			return prefixFields(err, "entry")
		}
		c.Location("/v1/declarations/" + d.ID())
		return c.Status(fiber.StatusCreated).JSON(viewDeclaration(d))
	case customs.KindSummary:
		ds, err := h.customs.CreateSummaryDeclarations(ctx, actor, req.ExporterID, req.Month)
		if err != nil {
			return err
		}
		return c.Status(fiber.StatusCreated).JSON(viewPage(app.Page[*customs.Declaration]{Items: ds}, viewDeclaration))
	case customs.KindCancel:
		d, err := h.customs.CreateCancelDeclaration(ctx, actor, req.DeclarationID, req.Reason)
		if err != nil {
			return err
		}
		c.Location("/v1/declarations/" + d.ID())
		return c.Status(fiber.StatusCreated).JSON(viewDeclaration(d))
	}
	return domain.InvalidField("kind", "invalid_kind",
		`kind must be "inventory", "documents", "order", "payment", "waybill", "entry", "summary" or "cancel"`)
}

// prefixFields places the field paths of the entry's content under prefix
// ("entry.lines[0].codeTS"); exporterId stands at the top of the request and stays there.
func prefixFields(err error, prefix string) error {
	var e *domain.Error
	if !errors.As(err, &e) || e.Kind != domain.KindInvalid || len(e.Fields) == 0 {
		return err
	}
	var v domain.Violations
	for _, f := range e.Fields {
		if f.Field != "exporterId" {
			f.Field = domain.JoinPath(prefix, f.Field)
		}
		v.Add(f.Field, f.Code, f.Message)
	}
	return v.Err()
}

// generatedEntry drafts (201) or finds (200) the declaration customs generated from a summary.
func (h *handlers) generatedEntry(c *fiber.Ctx) error {
	d, created, err := h.customs.CreateGeneratedEntry(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Location("/v1/declarations/" + d.ID())
	if created {
		c.Status(fiber.StatusCreated)
	}
	return c.JSON(viewDeclaration(d))
}

// declarationPDF prints an entry declaration (报关单).
func (h *handlers) declarationPDF(c *fiber.Ctx) error {
	pdf, err := h.customs.EntryDeclarationPDF(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+c.Params("id")+`.pdf"`)
	return c.Send(pdf)
}

func (h *handlers) getDeclaration(c *fiber.Ctx) error {
	d, err := h.customs.GetDeclaration(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(viewDeclaration(d))
}

func (h *handlers) declarationMessage(c *fiber.Ctx) error {
	xml, err := h.customs.DeclarationMessage(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.Send(xml)
}

func (h *handlers) listDeclarations(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	f := customs.Filter{Limit: q.limit, Cursor: q.cursor, TradeMode: c.Query("tradeMode")}
	var v domain.Violations
	checkTradeMode(&v, f.TradeMode)
	if k := c.Query("kind"); k != "" {
		if !customs.Kind(k).Valid() {
			v.Add("kind", "invalid_kind", "kind must be inventory, entry, summary, cancel or departure")
		}
		f.Kind = customs.Kind(k)
	}
	if s := c.Query("status"); s != "" {
		if !customs.Status(s).Valid() {
			v.Add("status", "invalid_status", "status is not a declaration status")
		}
		f.Status = customs.Status(s)
	}
	if id := c.Query("exporterId"); id != "" {
		f.ExporterIDs = []string{id}
	}
	if err := v.Err(); err != nil {
		return err
	}
	p, err := h.customs.ListDeclarations(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewDeclarationSummary))
}

func (h *handlers) submitDeclaration(c *fiber.Ctx) error {
	d, err := h.customs.SubmitDeclaration(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(viewDeclaration(d))
}

type submitRequest struct {
	IDs []string `json:"ids"`
}

func (h *handlers) submitDeclarations(c *fiber.Ctx) error {
	var req submitRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.customs.SubmitDeclarations(c.UserContext(), actorOf(c), req.IDs)
	if err != nil {
		return err
	}
	out := viewDeclarationResults(res, false)
	out.Created, out.Duplicates = 0, 0
	for i := range out.Results {
		if out.Results[i].Status == app.ItemCreated {
			out.Results[i].Status = "submitted"
			out.Created++
		}
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"submitted": out.Created, "invalid": out.Invalid, "results": out.Results})
}

// receiveReceipts takes one or more CEB receipt documents from customs (or a customs-gateway
// client) and applies them through the same path as the simulator's receipts.
func (h *handlers) receiveReceipts(c *fiber.Ctx) error {
	if err := app.MayReceiveReceipts(actorOf(c)); err != nil {
		return err
	}
	res, err := h.customs.ReceiveReceipts(c.UserContext(), c.Body())
	if err != nil {
		var e *domain.Error
		if errors.As(err, &e) && e.Kind == domain.KindInvalid {
			br := &badRequest{code: e.Code, message: e.Message}
			if len(e.Fields) > 0 {
				br.field, br.message = e.Fields[0].Field, e.Fields[0].Message
			}
			return br
		}
		return err
	}
	return c.JSON(fiber.Map{"receipts": res})
}

func (h *handlers) clearanceStats(c *fiber.Ctx) error {
	var v domain.Violations
	checkTradeMode(&v, c.Query("tradeMode"))
	from := parseTime(&v, "from", c.Query("from"))
	to := parseTime(&v, "to", c.Query("to"))
	if err := v.Err(); err != nil {
		return err
	}
	st, err := h.customs.ClearanceStatistics(c.UserContext(), actorOf(c), from, to, c.Query("tradeMode"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"count": st.Count, "p50Seconds": st.P50.Seconds(), "p90Seconds": st.P90.Seconds(),
		"p99Seconds": st.P99.Seconds()})
}

// tradeModes are the supervision modes a filter may name.
var tradeModes = []string{"9610", "1210", "9710", "9810", "0110"}

func checkTradeMode(v *domain.Violations, mode string) {
	if mode != "" && !slices.Contains(tradeModes, mode) {
		v.Add("tradeMode", "invalid_trade_mode", "tradeMode must be one of 9610, 1210, 9710, 9810, 0110")
	}
}

type arrivalRequest struct {
	ParcelIDs      []string `json:"parcelIds"`
	DomesticTrafNo string   `json:"domesticTrafNo"`
}

type arrivalItemView struct {
	Index         int                 `json:"index"`
	ParcelID      string              `json:"parcelId"`
	Status        app.ItemStatus      `json:"status"`
	DeclarationID string              `json:"declarationId,omitempty"`
	Errors        []domain.FieldError `json:"errors,omitempty"`
}

type arrivalBatchView struct {
	Received   int               `json:"received"`
	Duplicates int               `json:"duplicates"`
	Invalid    int               `json:"invalid"`
	Results    []arrivalItemView `json:"results"`
}

// receiveAtYard records parcels received at the supervised site and files their arrival (CEB507).
func (h *handlers) receiveAtYard(c *fiber.Ctx) error {
	var req arrivalRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	res, err := h.customs.ReceiveAtYard(c.UserContext(), actorOf(c), req.ParcelIDs, req.DomesticTrafNo)
	if err != nil {
		return err
	}
	out := arrivalBatchView{Results: make([]arrivalItemView, len(res))}
	for i, r := range res {
		out.Results[i] = arrivalItemView{Index: r.Index, ParcelID: r.ParcelID, Status: r.Status, DeclarationID: r.DeclarationID, Errors: r.Errors}
		switch r.Status {
		case app.ItemCreated:
			out.Received++
		case app.ItemDuplicate:
			out.Duplicates++
		default:
			out.Invalid++
		}
	}
	return c.JSON(out)
}
