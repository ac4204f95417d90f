package http

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/adapters/spreadsheet"
	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
)

// maxImportRows bounds one upload: a batch holds at most 1,000 parcels, and a parcel at most
// 100 lines.
const maxImportRows = app.MaxBatch * 100

// importParcels registers the parcels of an uploaded CSV or XLSX file (multipart field "file").
// The answer has the batch's shape; every error points at "row N, column X" of the file.
func (h *handlers) importParcels(c *fiber.Ctx) error {
	if err := app.MayRegisterParcels(actorOf(c)); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return &badRequest{code: "file_required", field: "file",
			message: "upload the spreadsheet as multipart/form-data in the field \"file\""}
	}
	f, err := fh.Open()
	if err != nil {
		return domain.Internal(err, "open upload")
	}
	defer f.Close()
	content, err := io.ReadAll(f)
	if err != nil {
		return domain.Internal(err, "read upload")
	}
	imp, err := spreadsheet.Parse(fh.Filename, content, maxImportRows)
	var fe *spreadsheet.FileError
	if errors.As(err, &fe) {
		field := fe.Location()
		if field == "" {
			field = "file"
		}
		return &domain.Error{Kind: domain.KindInvalid, Code: fe.Code, Message: fe.Message,
			Fields: []domain.FieldError{{Field: field, Code: fe.Code, Message: fe.Message}}}
	}
	if err != nil {
		return domain.Internal(err, "parse upload")
	}
	if len(imp.Parcels) == 0 || len(imp.Parcels) > app.MaxBatch {
		return domain.InvalidField("file", "invalid_batch_size", "a file holds 1 to 1000 parcels")
	}
	items := make([]app.DecodedParcel, len(imp.Parcels))
	for i, p := range imp.Parcels {
		items[i] = app.DecodedParcel{Draft: p.Draft, Problems: p.Problems}
	}
	res, err := h.registerItems(c, items, func(i int, field string) string {
		return imp.Parcels[i].Locate(field)
	})
	if err != nil {
		return err
	}
	return c.JSON(res)
}
