package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/code"
)

type bondedAccountView struct {
	EmsNo       string    `json:"emsNo"`
	FirmID      string    `json:"firmId"`
	IacCode     string    `json:"iacCode"` // the firm's customs code, as 1210 lists name it
	IacName     string    `json:"iacName"` // its registered name
	CustomsCode string    `json:"customsCode"`
	State       string    `json:"state"`
	ItemRecords int       `json:"itemRecords"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func viewBondedAccount(a *bonded.Account) bondedAccountView {
	return bondedAccountView{EmsNo: a.EmsNo(), FirmID: a.FirmOrgID(), IacCode: a.FirmCode(), IacName: a.FirmName(),
		CustomsCode: a.CustomsCode(), State: string(a.State()), ItemRecords: len(a.ItemRecords()),
		CreatedAt: a.CreatedAt(), UpdatedAt: a.UpdatedAt()}
}

type bondedHoldView struct {
	DeclarationID string       `json:"declarationId"`
	Qty           code.Decimal `json:"qty"`
	At            time.Time    `json:"at"`
}

type itemRecordView struct {
	EmsNo        string           `json:"emsNo"`
	ItemRecordNo string           `json:"itemRecordNo"`
	Gcode        string           `json:"gcode"`
	Gname        string           `json:"gname"`
	Unit         string           `json:"unit"`
	LegalUnit    string           `json:"legalUnit"`
	OnHand       code.Decimal     `json:"onHand"`
	Reserved     code.Decimal     `json:"reserved"`
	Available    code.Decimal     `json:"available"`
	Holds        []bondedHoldView `json:"holds"`
	UpdatedAt    time.Time        `json:"updatedAt"`
}

func viewItemRecord(s *bonded.Stock) itemRecordView {
	v := itemRecordView{EmsNo: s.EmsNo(), ItemRecordNo: s.ItemRecordNo(), Gcode: s.Gcode(), Gname: s.Gname(),
		Unit: s.Unit(), LegalUnit: s.LegalUnit(), OnHand: s.OnHand(), Reserved: s.Reserved(), Available: s.Available(),
		Holds: []bondedHoldView{}, UpdatedAt: s.UpdatedAt()}
	for _, h := range s.Holds() {
		v.Holds = append(v.Holds, bondedHoldView{DeclarationID: h.Ref, Qty: h.Qty, At: h.At})
	}
	return v
}

type movementView struct {
	ID           string       `json:"id"`
	ItemRecordNo string       `json:"itemRecordNo"`
	Seq          int64        `json:"seq"`
	Kind         string       `json:"kind"`
	Qty          code.Decimal `json:"qty"`
	Ref          string       `json:"ref"`
	OnHand       code.Decimal `json:"onHand"`
	Reserved     code.Decimal `json:"reserved"`
	At           time.Time    `json:"at"`
	Actor        string       `json:"actor"`
}

type bondedAccountRequest struct {
	EmsNo       string `json:"emsNo"`
	FirmID      string `json:"firmId"`
	CustomsCode string `json:"customsCode"`
}

func (h *handlers) registerBondedAccount(c *fiber.Ctx) error {
	var req bondedAccountRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := h.bonded.RegisterAccount(c.UserContext(), actorOf(c), app.AccountRequest(req))
	if err != nil {
		return err
	}
	c.Location("/v1/bonded-accounts/" + a.EmsNo())
	return c.Status(fiber.StatusCreated).JSON(viewBondedAccount(a))
}

func (h *handlers) listBondedAccounts(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p, err := h.bonded.ListAccounts(c.UserContext(), actorOf(c), q.limit, q.cursor)
	if err != nil {
		return err
	}
	items := make([]bondedAccountView, len(p.Items))
	for i, a := range p.Items {
		items[i] = viewBondedAccount(a)
	}
	return c.JSON(fiber.Map{"items": items, "nextCursor": p.NextCursor})
}

func (h *handlers) getBondedAccount(c *fiber.Ctx) error {
	a, err := h.bonded.GetAccount(c.UserContext(), actorOf(c), c.Params("emsNo"))
	if err != nil {
		return err
	}
	return c.JSON(viewBondedAccount(a))
}

type bondedStateRequest struct {
	State string `json:"state"`
}

func (h *handlers) setBondedAccountState(c *fiber.Ctx) error {
	var req bondedStateRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	a, err := h.bonded.SetAccountState(c.UserContext(), actorOf(c), c.Params("emsNo"), bonded.State(req.State))
	if err != nil {
		return err
	}
	return c.JSON(viewBondedAccount(a))
}

type itemRecordRequest struct {
	ItemRecordNo string `json:"itemRecordNo"`
	Gcode        string `json:"gcode"`
	Gname        string `json:"gname"`
	Unit         string `json:"unit"`
	LegalUnit    string `json:"legalUnit"`
}

func (h *handlers) addItemRecord(c *fiber.Ctx) error {
	var req itemRecordRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	emsNo := c.Params("emsNo")
	s, err := h.bonded.AddItemRecord(c.UserContext(), actorOf(c), emsNo, bonded.StockInput{ItemRecordNo: req.ItemRecordNo,
		Gcode: req.Gcode, Gname: req.Gname, Unit: req.Unit, LegalUnit: req.LegalUnit})
	if err != nil {
		return err
	}
	c.Location("/v1/bonded-accounts/" + s.EmsNo() + "/items/" + s.ItemRecordNo())
	return c.Status(fiber.StatusCreated).JSON(viewItemRecord(s))
}

func (h *handlers) listItemRecords(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p, err := h.bonded.ListItems(c.UserContext(), actorOf(c), c.Params("emsNo"), q.limit, q.cursor)
	if err != nil {
		return err
	}
	items := make([]itemRecordView, len(p.Items))
	for i, s := range p.Items {
		items[i] = viewItemRecord(s)
	}
	return c.JSON(fiber.Map{"items": items, "nextCursor": p.NextCursor})
}

func (h *handlers) getItemRecord(c *fiber.Ctx) error {
	s, err := h.bonded.GetItem(c.UserContext(), actorOf(c), c.Params("emsNo"), c.Params("itemRecordNo"))
	if err != nil {
		return err
	}
	return c.JSON(viewItemRecord(s))
}

type stockReceiptRequest struct {
	Ref   string `json:"ref"`
	Lines []struct {
		ItemRecordNo string       `json:"itemRecordNo"`
		Qty          code.Decimal `json:"qty"`
	} `json:"lines"`
}

func (h *handlers) receiveGoods(c *fiber.Ctx) error {
	var req stockReceiptRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	lines := make([]app.StockLine, len(req.Lines))
	for i, l := range req.Lines {
		lines[i] = app.StockLine{ItemRecordNo: l.ItemRecordNo, Qty: l.Qty}
	}
	res, err := h.bonded.ReceiveGoods(c.UserContext(), actorOf(c), c.Params("emsNo"), req.Ref, lines)
	if err != nil {
		return err
	}
	type result struct {
		ItemRecordNo string         `json:"itemRecordNo"`
		Status       string         `json:"status"` // booked, duplicate
		Item         itemRecordView `json:"item"`
	}
	out := make([]result, len(res))
	for i, r := range res {
		st := "booked"
		if !r.Booked {
			st = "duplicate"
		}
		out[i] = result{ItemRecordNo: r.ItemRecordNo, Status: st, Item: viewItemRecord(r.Stock)}
	}
	return c.JSON(fiber.Map{"ref": req.Ref, "results": out})
}

func (h *handlers) listMovements(c *fiber.Ctx) error {
	q, err := listQuery(c)
	if err != nil {
		return err
	}
	p, err := h.bonded.Movements(c.UserContext(), actorOf(c), app.MovementFilter{EmsNo: c.Params("emsNo"),
		ItemRecordNo: c.Query("itemRecordNo"), Limit: q.limit, Cursor: q.cursor})
	if err != nil {
		return err
	}
	items := make([]movementView, len(p.Items))
	for i, m := range p.Items {
		items[i] = movementView{ID: m.ID, ItemRecordNo: m.ItemRecordNo, Seq: m.Seq, Kind: string(m.Kind), Qty: m.Qty,
			Ref: m.Ref, OnHand: m.OnHand, Reserved: m.Reserved, At: m.At, Actor: m.Actor}
	}
	return c.JSON(fiber.Map{"items": items, "nextCursor": p.NextCursor})
}
