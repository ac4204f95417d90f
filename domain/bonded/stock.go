package bonded

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// MaxRecentReceipts is how many receipt references an item remembers to answer a receipt
// booked twice (a client retrying) as a duplicate instead of counting its goods twice.
const MaxRecentReceipts = 200

// MovementKind says what a ledger line records.
type MovementKind string

// The movements of an item record.
const (
	MoveReceipt   MovementKind = "receipt"   // 入区: goods booked into the zone; onHand +qty
	MoveReserve   MovementKind = "reserve"   // a 1210 list filed: reserved +qty
	MoveUnreserve MovementKind = "unreserve" // the list rejected or cancelled: reserved −qty
	MoveRelease   MovementKind = "release"   // 出区: the list released; onHand −qty, reserved −qty
	MoveReturn    MovementKind = "return"    // the release withdrawn (list cancelled after release): onHand +qty
)

// Hold is the reservation of one filed list (Ref, its declaration id).
type Hold struct {
	Ref string       `json:"ref"`
	Qty code.Decimal `json:"qty"`
	At  time.Time    `json:"at"`
}

// Movement is one line of an account's ledger, with the balance it left.
type Movement struct {
	ID           string       // emsNo/itemRecordNo/seq: derived, so that writing it twice writes one line
	EmsNo        string       //
	ItemRecordNo string       //
	Seq          int64        // 1, 2, … per item record
	Kind         MovementKind //
	Qty          code.Decimal // always positive; Kind says which way it went
	Ref          string       // the declaration id, or the receipt's reference
	OnHand       code.Decimal // after the movement
	Reserved     code.Decimal // after the movement
	At           time.Time
	Actor        string
}

// StockInput registers an item record (料号) in an account.
type StockInput struct {
	EmsNo        string
	ItemRecordNo string
	Gcode        string // HS code, 10 digits
	Gname        string // goods name
	Unit         string // declared unit, a customs unit code ("011" 件)
	LegalUnit    string // first legal unit, a customs unit code ("011", "035" 千克)
}

// Stock is an item record and its balance in the zone.
type Stock struct {
	emsNo, itemRecordNo  string
	gcode, gname         string
	unit, legalUnit      string
	onHand, reserved     code.Decimal
	holds                []Hold
	receipts             []string
	seq                  int64
	createdAt, updatedAt time.Time
	version              int64
	moved                []Movement
}

// NewStock checks an item record and makes it with nothing in stock. Codes: required, too_long,
// invalid_item_record_no, invalid_hs_code, invalid_unit.
func NewStock(in StockInput, at time.Time) (*Stock, error) {
	s := &Stock{
		emsNo:        strings.ToUpper(strings.TrimSpace(in.EmsNo)),
		itemRecordNo: strings.TrimSpace(in.ItemRecordNo),
		gcode:        strings.TrimSpace(in.Gcode),
		gname:        strings.TrimSpace(in.Gname),
		unit:         strings.TrimSpace(in.Unit),
		legalUnit:    strings.TrimSpace(in.LegalUnit),
		createdAt:    at,
		updatedAt:    at,
	}
	var v domain.Violations
	v.CheckText("emsNo", s.emsNo, true, MaxEmsNo)
	if v.CheckText("itemRecordNo", s.itemRecordNo, true, MaxItemRecordNo) && !keyChars(s.itemRecordNo) {
		v.Add("itemRecordNo", "invalid_item_record_no", "itemRecordNo has letters, digits, '-' and '_' only")
	}
	if s.gcode == "" {
		v.Add("gcode", "required", "gcode is required")
	} else if err := code.CheckHSCode(s.gcode); err != nil {
		v.AddError("gcode", err)
	}
	v.CheckText("gname", s.gname, true, MaxGname)
	for _, u := range []struct{ field, value string }{{"unit", s.unit}, {"legalUnit", s.legalUnit}} {
		if u.value == "" {
			v.Add(u.field, "required", u.field+" is required")
		} else if err := code.CheckUnit(u.value); err != nil {
			v.AddError(u.field, err)
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

// StockID is the id of an item record's document: the account and the item record number,
// neither of which can hold the separator.
func StockID(emsNo, itemRecordNo string) string { return emsNo + "/" + itemRecordNo }

// Available is what may still be reserved: onHand − reserved.
func (s *Stock) Available() code.Decimal { return s.onHand.Sub(s.reserved) }

// Receive books qty into the zone under a reference (the entry document, the warehouse's
// receiving note). A reference booked lately is a duplicate: false, nothing changes. Codes:
// required / too_long (ref), must_be_positive (qty).
func (s *Stock) Receive(ref string, qty code.Decimal, at time.Time, actor string) (bool, error) {
	ref = strings.TrimSpace(ref)
	var v domain.Violations
	v.CheckText("ref", ref, true, MaxRef)
	if qty.Sign() <= 0 {
		v.Add("qty", "must_be_positive", "qty must be more than 0")
	}
	if err := v.Err(); err != nil {
		return false, err
	}
	if slices.Contains(s.receipts, ref) {
		return false, nil
	}
	onHand, err := s.onHand.CheckedAdd(qty)
	if err != nil {
		return false, domain.InvalidField("qty", "out_of_range", "the balance would be too large")
	}
	s.onHand = onHand
	s.remember(ref)
	s.move(MoveReceipt, qty, ref, at, actor)
	return true, nil
}

// Reserve holds qty for the list ref. A list holding already is left as it is (false): the
// filing was repeated. More than is available is insufficient_stock (FailedPrecondition),
// naming the item record, what is available and what was asked for.
func (s *Stock) Reserve(ref string, qty code.Decimal, at time.Time, actor string) (bool, error) {
	if qty.Sign() <= 0 {
		return false, domain.InvalidField("qty", "must_be_positive", "qty must be more than 0")
	}
	if _, held := s.Held(ref); held {
		return false, nil
	}
	if avail := s.Available(); avail.Cmp(qty) < 0 {
		return false, &domain.Error{Kind: domain.KindFailedPrecondition, Code: "insufficient_stock",
			Message: InsufficientMessage(s.emsNo, s.itemRecordNo, avail, qty)}
	}
	s.reserved = s.reserved.Add(qty)
	s.holds = append(s.holds, Hold{Ref: ref, Qty: qty, At: at})
	s.move(MoveReserve, qty, ref, at, actor)
	return true, nil
}

// InsufficientMessage says that an item record has less available than requested.
func InsufficientMessage(emsNo, itemRecordNo string, available, requested code.Decimal) string {
	return fmt.Sprintf("item record %s of account %s: %s available, %s requested / 库存不足", itemRecordNo, emsNo, available, requested)
}

// remember keeps ref among the recent references (bonded.MaxRecentReceipts), which make a
// receipt or a return count once.
func (s *Stock) remember(ref string) {
	s.receipts = append(s.receipts, ref)
	if len(s.receipts) > MaxRecentReceipts {
		s.receipts = slices.Clone(s.receipts[len(s.receipts)-MaxRecentReceipts:])
	}
}

// Release turns the reservation of list ref into the final decrement (出区). Without one — the
// release was applied already, or the list never held here — nothing changes (false).
func (s *Stock) Release(ref string, at time.Time, actor string) bool {
	qty, ok := s.take(ref)
	if !ok {
		return false
	}
	s.onHand = s.onHand.Sub(qty)
	s.reserved = s.reserved.Sub(qty)
	s.move(MoveRelease, qty, ref, at, actor)
	return true
}

// Unreserve gives back the reservation of list ref (rejected, returned, cancelled, or its
// filing failed). Without one nothing changes (false).
func (s *Stock) Unreserve(ref string, at time.Time, actor string) bool {
	qty, ok := s.take(ref)
	if !ok {
		return false
	}
	s.reserved = s.reserved.Sub(qty)
	s.move(MoveUnreserve, qty, ref, at, actor)
	return true
}

// ReturnReleased books back qty of list ref whose release customs withdrew (the list was
// cancelled after its release, docs/customs.md §2.1): the goods never left the zone. Once per
// list — a repeat within the recent-reference window changes nothing (false).
func (s *Stock) ReturnReleased(ref string, qty code.Decimal, at time.Time, actor string) bool {
	key := "return:" + ref
	if qty.Sign() <= 0 || slices.Contains(s.receipts, key) {
		return false
	}
	onHand, err := s.onHand.CheckedAdd(qty)
	if err != nil {
		return false
	}
	s.onHand = onHand
	s.remember(key)
	s.move(MoveReturn, qty, ref, at, actor)
	return true
}

// Held reports the quantity list ref holds.
func (s *Stock) Held(ref string) (code.Decimal, bool) {
	for _, h := range s.holds {
		if h.Ref == ref {
			return h.Qty, true
		}
	}
	return code.Decimal{}, false
}

func (s *Stock) take(ref string) (code.Decimal, bool) {
	for i, h := range s.holds {
		if h.Ref == ref {
			s.holds = slices.Delete(slices.Clone(s.holds), i, i+1)
			return h.Qty, true
		}
	}
	return code.Decimal{}, false
}

func (s *Stock) move(kind MovementKind, qty code.Decimal, ref string, at time.Time, actor string) {
	if s.onHand.Sign() < 0 || s.reserved.Sign() < 0 || s.reserved.Cmp(s.onHand) > 0 {
		// Every method checks before it changes; reaching here is a bug, and a balance below
		// zero must never be written.
		panic(fmt.Sprintf("bonded: balance of %s broken: onHand %s reserved %s", StockID(s.emsNo, s.itemRecordNo), s.onHand, s.reserved))
	}
	s.seq++
	s.updatedAt = at
	s.moved = append(s.moved, Movement{
		ID: MovementID(s.emsNo, s.itemRecordNo, s.seq), EmsNo: s.emsNo, ItemRecordNo: s.itemRecordNo, Seq: s.seq,
		Kind: kind, Qty: qty, Ref: ref, OnHand: s.onHand, Reserved: s.reserved, At: at, Actor: actor,
	})
}

// MovementID is the id of an item record's seq-th movement; ids of one item sort in order.
func MovementID(emsNo, itemRecordNo string, seq int64) string {
	return fmt.Sprintf("%s/%s/%010d", emsNo, itemRecordNo, seq)
}

// Moved returns the movements made since the stock was loaded, for the store to write after
// the change.
func (s *Stock) Moved() []Movement { return slices.Clone(s.moved) }

func (s *Stock) EmsNo() string          { return s.emsNo }
func (s *Stock) ItemRecordNo() string   { return s.itemRecordNo }
func (s *Stock) Gcode() string          { return s.gcode }
func (s *Stock) Gname() string          { return s.gname }
func (s *Stock) Unit() string           { return s.unit }
func (s *Stock) LegalUnit() string      { return s.legalUnit }
func (s *Stock) OnHand() code.Decimal   { return s.onHand }
func (s *Stock) Reserved() code.Decimal { return s.reserved }
func (s *Stock) Holds() []Hold          { return slices.Clone(s.holds) }
func (s *Stock) Seq() int64             { return s.seq }
func (s *Stock) CreatedAt() time.Time   { return s.createdAt }
func (s *Stock) UpdatedAt() time.Time   { return s.updatedAt }
func (s *Stock) Version() int64         { return s.version }

// RecentReceipts are the receipt references remembered (MaxRecentReceipts).
func (s *Stock) RecentReceipts() []string { return slices.Clone(s.receipts) }

// StockRecord is an item record as stored.
type StockRecord struct {
	EmsNo, ItemRecordNo, Gcode, Gname, Unit, LegalUnit string
	OnHand, Reserved                                   code.Decimal
	Holds                                              []Hold
	Receipts                                           []string
	Seq                                                int64
	CreatedAt, UpdatedAt                               time.Time
	Version                                            int64
}

// StockFromDatabase rebuilds a stored item record without checking it again.
func StockFromDatabase(r StockRecord) *Stock {
	return &Stock{emsNo: r.EmsNo, itemRecordNo: r.ItemRecordNo, gcode: r.Gcode, gname: r.Gname, unit: r.Unit,
		legalUnit: r.LegalUnit, onHand: r.OnHand, reserved: r.Reserved, holds: slices.Clone(r.Holds),
		receipts: slices.Clone(r.Receipts), seq: r.Seq, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt, version: r.Version}
}

// Line is one line of a 1210 list as far as the account is concerned.
type Line struct {
	ItemRecordNo string
	Gcode        string
	Unit         string
	Qty          code.Decimal
}

// Needs sums a list's lines by item record (a list may name one record on several lines), in
// the order first named, with the index of the first line naming each.
func Needs(lines []Line) (nos []string, qty map[string]code.Decimal, first map[string]int) {
	qty, first = map[string]code.Decimal{}, map[string]int{}
	for i, l := range lines {
		if _, ok := qty[l.ItemRecordNo]; !ok {
			nos = append(nos, l.ItemRecordNo)
			first[l.ItemRecordNo] = i
		}
		qty[l.ItemRecordNo] = qty[l.ItemRecordNo].Add(l.Qty)
	}
	return nos, qty, first
}

// CheckLine checks a list line against its item record: the same HS code and declared unit.
// Codes: gcode_mismatch, unit_mismatch; fields relative to the line.
func (s *Stock) CheckLine(l Line, v *domain.Violations, prefix string) {
	if l.Gcode != s.gcode {
		v.Add(domain.JoinPath(prefix, "gcode"), "gcode_mismatch",
			fmt.Sprintf("item record %s is registered under HS code %s, not %s / 料号备案的商品编码不符", s.itemRecordNo, s.gcode, l.Gcode))
	}
	if l.Unit != s.unit {
		v.Add(domain.JoinPath(prefix, "unit"), "unit_mismatch",
			fmt.Sprintf("item record %s is kept in unit %s, not %s / 料号备案的计量单位不符", s.itemRecordNo, s.unit, l.Unit))
	}
}
