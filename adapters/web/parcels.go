package web

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Parcels: the list (by status, waybill or order number, a page at a time), a parcel with its
// timeline, and tracking by waybill number — each what the API's route answers the same user.

func (w *Console) parcelRoutes(f *fiber.App) {
	f.Get("/parcels", w.handle(signedIn, parcelsPage))
	f.Get("/parcels/:id", w.handle(signedIn, parcelPage))
	f.Get("/track", w.handle(signedIn, trackPage))
}

type parcelsData struct {
	Parcels                      []*parcel.Parcel
	Status, LogisticsNo, OrderNo string
	Statuses                     []parcel.Status
	Page                         pager
	Filtered                     bool
}

func parcelsPage(r *req) error {
	d := parcelsData{Statuses: parcel.Statuses(), LogisticsNo: strings.TrimSpace(r.c.Query("logisticsNo")),
		OrderNo: strings.TrimSpace(r.c.Query("orderNo"))}
	f := parcel.Filter{Limit: pageSize, Cursor: r.cursor(), LogisticsNo: d.LogisticsNo, OrderNo: d.OrderNo}
	if s := parcel.Status(r.c.Query("status")); s.Valid() {
		f.Status, d.Status = s, string(s)
	}
	d.Filtered = d.Status != "" || d.LogisticsNo != "" || d.OrderNo != ""
	p, err := r.w.uc.Parcels.ListParcels(r.ctx(), r.actor, f)
	if err != nil {
		return err
	}
	d.Parcels, d.Page = p.Items, r.pageOf(p.NextCursor, len(p.Items))
	return r.render(fiber.StatusOK, "parcels", "parcels.title", d)
}

type parcelData struct {
	Parcel parcel.Record
}

func parcelPage(r *req) error {
	p, err := r.w.uc.Parcels.GetParcel(r.ctx(), r.actor, r.c.Params("id"))
	if err != nil {
		return err // another firm's parcel is NotFound, as is one that does not exist: the 404 page
	}
	s := p.Snapshot()
	return r.render(fiber.StatusOK, "parcel", "parcel.title", parcelData{Parcel: s}, s.Fields.LogisticsNo)
}

type trackData struct {
	No, Carrier string
	Parcel      *parcel.Record
	Problem     string
}

func trackPage(r *req) error {
	d := trackData{No: strings.TrimSpace(r.c.Query("no")), Carrier: strings.TrimSpace(r.c.Query("carrier"))}
	if d.No == "" {
		return r.render(fiber.StatusOK, "track", "track.title", d)
	}
	p, err := r.w.uc.Parcels.TrackParcel(r.ctx(), r.actor, d.No, d.Carrier)
	switch {
	case err == nil:
		s := p.Snapshot()
		d.Parcel = &s
	case domain.KindOf(err) == domain.KindNotFound:
		d.Problem = T(r.lang, "track.notfound")
		return r.render(fiber.StatusNotFound, "track", "track.title", d)
	case domain.KindOf(err) == domain.KindInvalid:
		d.Problem = errorText(r.lang, string(domain.CodeOf(err)))
		return r.render(fiber.StatusUnprocessableEntity, "track", "track.title", d)
	default:
		return err
	}
	return r.render(fiber.StatusOK, "track", "track.title", d)
}
