package http

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

type parcelView struct {
	ID string `json:"id"`
	parcel.Fields
	Status        string                 `json:"status"`
	DeclarationID string                 `json:"declarationId,omitempty"`
	ContainerNo   string                 `json:"containerNo,omitempty"`
	DepartureID   string                 `json:"departureId,omitempty"`
	RejectReason  string                 `json:"rejectReason,omitempty"`
	CancelReason  string                 `json:"cancelReason,omitempty"`
	Yard          *parcel.YardArrival    `json:"yard,omitempty"`
	CreatedAt     time.Time              `json:"createdAt"`
	UpdatedAt     time.Time              `json:"updatedAt"`
	Timeline      []parcel.TimelineEntry `json:"timeline,omitempty"`
}

func viewParcel(p *parcel.Parcel) parcelView {
	r := p.Snapshot()
	return parcelView{
		ID: r.ID, Fields: r.Fields, Status: string(r.Status), DeclarationID: r.DeclarationID,
		ContainerNo: r.ContainerNo, DepartureID: r.DepartureID, RejectReason: r.RejectReason,
		CancelReason: r.CancelReason, Yard: r.Yard, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Timeline: r.Timeline,
	}
}

// viewParcelSummary leaves the timeline out, for lists.
func viewParcelSummary(p *parcel.Parcel) parcelView {
	v := viewParcel(p)
	v.Timeline = nil
	return v
}

// decodeDraft reads one parcel strictly; a problem is returned as field errors relative to it.
func decodeDraft(raw []byte) (parcel.Draft, []domain.FieldError) {
	var d parcel.Draft
	err := decodeStrict(raw, &d)
	var br *badRequest
	if errors.As(err, &br) {
		return d, []domain.FieldError{{Field: br.field, Code: br.code, Message: br.message}}
	}
	return d, nil
}

func (h *handlers) registerParcel(c *fiber.Ctx) error {
	var d parcel.Draft
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	p, created, err := h.parcels.RegisterParcel(c.UserContext(), actorOf(c), d)
	if err != nil {
		return err
	}
	c.Location("/v1/parcels/" + p.ID())
	if !created {
		return c.JSON(viewParcel(p)) // the same parcel again: the existing record, unchanged
	}
	return c.Status(fiber.StatusCreated).JSON(viewParcel(p))
}

type batchRequest struct {
	Parcels []json.RawMessage `json:"parcels"`
}

type batchItemView struct {
	Index  int                 `json:"index"`
	ID     string              `json:"id,omitempty"`
	Status app.ItemStatus      `json:"status"`
	Errors []domain.FieldError `json:"errors,omitempty"`
}

type batchView struct {
	Created    int             `json:"created"`
	Duplicates int             `json:"duplicates"`
	Invalid    int             `json:"invalid"`
	Results    []batchItemView `json:"results"`
}

// registerBatch answers per item; items that cannot even be read as parcels are invalid items,
// never a failed request.
func (h *handlers) registerBatch(c *fiber.Ctx) error {
	if err := app.MayRegisterParcels(actorOf(c)); err != nil {
		return err
	}
	var req batchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if len(req.Parcels) == 0 || len(req.Parcels) > app.MaxBatch {
		return domain.InvalidField("parcels", "invalid_batch_size", "send 1 to 1000 parcels")
	}
	items := make([]app.DecodedParcel, len(req.Parcels))
	for i, raw := range req.Parcels {
		items[i].Draft, items[i].Problems = decodeDraft(raw)
		for k := range items[i].Problems {
			items[i].Problems[k].Field = domain.JoinPath("parcels["+strconv.Itoa(i)+"]", items[i].Problems[k].Field)
		}
	}
	res, err := h.registerItems(c, items, func(i int, field string) string {
		return domain.JoinPath("parcels["+strconv.Itoa(i)+"]", field)
	})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// registerItems registers the readable items and answers for all of them in the upload's order
// (app.Parcels.RegisterDecoded).
func (h *handlers) registerItems(c *fiber.Ctx, items []app.DecodedParcel, place func(i int, field string) string) (batchView, error) {
	res, err := h.parcels.RegisterDecoded(c.UserContext(), actorOf(c), items, place)
	if err != nil {
		return batchView{}, err
	}
	out := batchView{Created: res.Created, Duplicates: res.Duplicates, Invalid: res.Invalid, Results: make([]batchItemView, len(res.Results))}
	for i, r := range res.Results {
		out.Results[i] = batchItemView{Index: r.Index, ID: r.ID, Status: r.Status, Errors: r.Errors}
	}
	return out, nil
}

func (h *handlers) getParcel(c *fiber.Ctx) error {
	p, err := h.parcels.GetParcel(c.UserContext(), actorOf(c), c.Params("id"))
	if err != nil {
		return err
	}
	v := viewParcel(p)
	// Where its order, payment receipt and waybill stand with customs, beside its own history.
	docs, err := h.customs.ParcelDocuments(c.UserContext(), p)
	if err != nil {
		return err
	}
	v.Timeline = app.WithDocuments(p, docs)
	return c.JSON(v)
}

func (h *handlers) listParcels(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	f := parcel.Filter{Limit: q.limit, Cursor: q.cursor, TradeMode: c.Query("tradeMode"),
		LogisticsNo: c.Query("logisticsNo"), OrderNo: c.Query("orderNo")}
	var v domain.Violations
	if s := c.Query("status"); s != "" {
		if !parcel.Status(s).Valid() {
			v.Add("status", "invalid_status", "status must be one of "+joinStatuses())
		}
		f.Status = parcel.Status(s)
	}
	if f.TradeMode != "" && f.TradeMode != parcel.TradeMode9610 && f.TradeMode != parcel.TradeMode1210 {
		v.Add("tradeMode", "invalid_trade_mode", "tradeMode must be 9610 or 1210")
	}
	if id := c.Query("exporterId"); id != "" {
		f.ExporterIDs = []string{id}
	}
	f.CreatedFrom = parseTime(&v, "createdFrom", c.Query("createdFrom"))
	f.CreatedTo = parseTime(&v, "createdTo", c.Query("createdTo"))
	if err := v.Err(); err != nil {
		return err
	}
	p, err := h.parcels.ListParcels(c.UserContext(), actorOf(c), f)
	if err != nil {
		return err
	}
	return c.JSON(viewPage(p, viewParcelSummary))
}

func joinStatuses() string {
	var names []string
	for _, s := range parcel.Statuses() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

func (h *handlers) editParcel(c *fiber.Ctx) error {
	var d parcel.Draft
	if err := decodeJSON(c, &d); err != nil {
		return err
	}
	p, err := h.parcels.EditParcel(c.UserContext(), actorOf(c), c.Params("id"), d)
	if err != nil {
		return err
	}
	return c.JSON(viewParcel(p))
}

type cancelRequest struct {
	Reason string `json:"reason"`
}

func (h *handlers) cancelParcel(c *fiber.Ctx) error {
	var req cancelRequest
	if len(c.Body()) > 0 {
		if err := decodeJSON(c, &req); err != nil {
			return err
		}
	}
	p, err := h.parcels.CancelParcel(c.UserContext(), actorOf(c), c.Params("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(viewParcel(p))
}

type trackingView struct {
	ParcelID      string                 `json:"parcelId"`
	LogisticsCode string                 `json:"logisticsCode"`
	LogisticsNo   string                 `json:"logisticsNo"`
	TradeMode     string                 `json:"tradeMode"`
	Status        string                 `json:"status"`
	Destination   string                 `json:"destinationCountry"`
	DeclarationID string                 `json:"declarationId,omitempty"`
	ContainerNo   string                 `json:"containerNo,omitempty"`
	DepartureID   string                 `json:"departureId,omitempty"`
	Transport     *transportView         `json:"transport,omitempty"`
	UpdatedAt     time.Time              `json:"updatedAt"`
	Timeline      []parcel.TimelineEntry `json:"timeline"`
}

func (h *handlers) track(c *fiber.Ctx) error {
	p, err := h.parcels.TrackParcel(c.UserContext(), actorOf(c), c.Params("logisticsNo"), c.Query("logisticsCode"))
	if err != nil {
		return err
	}
	transport, err := h.rail.ParcelTransport(c.UserContext(), p)
	if err != nil {
		return err
	}
	r := p.Snapshot()
	return c.JSON(trackingView{
		ParcelID: r.ID, LogisticsCode: r.Fields.LogisticsCode, LogisticsNo: r.Fields.LogisticsNo,
		TradeMode: r.Fields.TradeMode, Status: string(r.Status), Destination: r.Fields.DestinationCountry,
		DeclarationID: r.DeclarationID, ContainerNo: r.ContainerNo, DepartureID: r.DepartureID,
		Transport: viewTransport(transport), UpdatedAt: r.UpdatedAt, Timeline: r.Timeline,
	})
}
