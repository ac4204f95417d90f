package mongo

import (
	"context"
	"errors"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"

	"github.com/silkgate/silkgate/app"
	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/bonded"
	"github.com/silkgate/silkgate/domain/code"
)

// Bonded stores bonded accounts in "bonded_accounts" (_id: emsNo), their item records with
// their balances in "bonded_stock" (_id: emsNo/itemRecordNo, one small document per item, so
// that a stock change is one read and one write by _id under the document's version or lock),
// and the ledger in "bonded_movements" (_id: emsNo/itemRecordNo/seq, derived from the change
// that made it, so that writing a line twice writes one).
type Bonded struct {
	store     *Store
	accounts  *mongo.Collection
	stock     *mongo.Collection
	movements *mongo.Collection
}

var _ app.BondedStore = (*Bonded)(nil)

// NewBonded returns the bonded account repository.
func NewBonded(s *Store) *Bonded {
	return &Bonded{store: s, accounts: s.db.Collection(collBondedAccounts), stock: s.db.Collection(collBondedStock),
		movements: s.db.Collection(collBondedMovements)}
}

type bondedAccountDoc struct {
	ID          string    `bson:"_id"`
	FirmOrgID   string    `bson:"firmOrgId"`
	FirmCode    string    `bson:"firmCode"`
	FirmName    string    `bson:"firmName"`
	CustomsCode string    `bson:"customsCode"`
	State       string    `bson:"state"`
	ItemRecords []string  `bson:"itemRecords"`
	CreatedAt   time.Time `bson:"createdAt"`
	UpdatedAt   time.Time `bson:"updatedAt"`
	Version     int64     `bson:"version"`
}

func (d bondedAccountDoc) id() string         { return d.ID }
func (d bondedAccountDoc) version() int64     { return d.Version }
func (d bondedAccountDoc) outbox() []eventDoc { return nil }

func bondedAccountToDoc(a *bonded.Account) bondedAccountDoc {
	return bondedAccountDoc{ID: a.EmsNo(), FirmOrgID: a.FirmOrgID(), FirmCode: a.FirmCode(), FirmName: a.FirmName(),
		CustomsCode: a.CustomsCode(), State: string(a.State()), ItemRecords: a.ItemRecords(),
		CreatedAt: a.CreatedAt(), UpdatedAt: a.UpdatedAt(), Version: a.Version() + 1}
}

func bondedAccountFromDoc(d *bondedAccountDoc) *bonded.Account {
	return bonded.AccountFromDatabase(bonded.AccountRecord{EmsNo: d.ID, FirmOrgID: d.FirmOrgID, FirmCode: d.FirmCode,
		FirmName: d.FirmName, CustomsCode: d.CustomsCode, State: bonded.State(d.State), ItemRecords: d.ItemRecords,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version})
}

type bondedHoldDoc struct {
	Ref string       `bson:"ref"`
	Qty code.Decimal `bson:"qty"`
	At  time.Time    `bson:"at"`
}

type bondedStockDoc struct {
	ID           string `bson:"_id"`
	EmsNo        string `bson:"emsNo"`
	ItemRecordNo string `bson:"itemRecordNo"`
	Gcode        string `bson:"gcode"`
	Gname        string `bson:"gname"`
	Unit         string `bson:"unit"`
	LegalUnit    string `bson:"legalUnit"`
	// The balances are stored as scaled integers (×10⁴, code.Decimal's own scale), not as the
	// decimal strings used elsewhere, so that one conditional update can compare and count them
	// (ReserveItem); available = onHand − reserved is kept beside them because a filter cannot
	// compare two fields.
	OnHand    int64           `bson:"onHand"`
	Reserved  int64           `bson:"reserved"`
	Available int64           `bson:"available"`
	Holds     []bondedHoldDoc `bson:"holds"`
	Receipts  []string        `bson:"receipts"`
	Seq       int64           `bson:"seq"`
	CreatedAt time.Time       `bson:"createdAt"`
	UpdatedAt time.Time       `bson:"updatedAt"`
	Version   int64           `bson:"version"`
}

func (d bondedStockDoc) id() string         { return d.ID }
func (d bondedStockDoc) version() int64     { return d.Version }
func (d bondedStockDoc) outbox() []eventDoc { return nil }

func bondedStockToDoc(s *bonded.Stock) bondedStockDoc {
	d := bondedStockDoc{ID: bonded.StockID(s.EmsNo(), s.ItemRecordNo()), EmsNo: s.EmsNo(), ItemRecordNo: s.ItemRecordNo(),
		Gcode: s.Gcode(), Gname: s.Gname(), Unit: s.Unit(), LegalUnit: s.LegalUnit(), OnHand: s.OnHand().Scaled(),
		Reserved: s.Reserved().Scaled(), Available: s.Available().Scaled(), Holds: []bondedHoldDoc{}, Receipts: s.RecentReceipts(), Seq: s.Seq(),
		CreatedAt: s.CreatedAt(), UpdatedAt: s.UpdatedAt(), Version: s.Version() + 1}
	for _, h := range s.Holds() {
		d.Holds = append(d.Holds, bondedHoldDoc(h))
	}
	if d.Receipts == nil {
		d.Receipts = []string{}
	}
	return d
}

func bondedStockFromDoc(d *bondedStockDoc) *bonded.Stock {
	r := bonded.StockRecord{EmsNo: d.EmsNo, ItemRecordNo: d.ItemRecordNo, Gcode: d.Gcode, Gname: d.Gname, Unit: d.Unit,
		LegalUnit: d.LegalUnit, OnHand: code.DecimalFromScaled(d.OnHand), Reserved: code.DecimalFromScaled(d.Reserved), Receipts: d.Receipts, Seq: d.Seq,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, Version: d.Version}
	for _, h := range d.Holds {
		r.Holds = append(r.Holds, bonded.Hold(h))
	}
	return bonded.StockFromDatabase(r)
}

type bondedMovementDoc struct {
	ID           string       `bson:"_id"`
	EmsNo        string       `bson:"emsNo"`
	ItemRecordNo string       `bson:"itemRecordNo"`
	Seq          int64        `bson:"seq"`
	Kind         string       `bson:"kind"`
	Qty          code.Decimal `bson:"qty"`
	Ref          string       `bson:"ref"`
	OnHand       code.Decimal `bson:"onHand"`
	Reserved     code.Decimal `bson:"reserved"`
	CreatedAt    time.Time    `bson:"createdAt"` // the movement's time; named so for pageByCreated
	Actor        string       `bson:"actor"`
}

var (
	errBondedAccountNotFound = domain.Errorf(domain.KindNotFound, "bonded_account_not_found", "bonded account not found / 未找到保税账册")
	errItemRecordNotFound    = domain.Errorf(domain.KindNotFound, "item_record_not_found", "item record not found / 未找到料号")
)

// CreateAccount stores a new account; an emsNo registered already is account_exists.
func (r *Bonded) CreateAccount(ctx context.Context, a *bonded.Account) error {
	_, err := r.accounts.InsertOne(ctx, bondedAccountToDoc(a))
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "account_exists", "bonded account %s is registered already", a.EmsNo())
	}
	return internal(err, "create bonded account")
}

// GetAccount loads an account by emsNo.
func (r *Bonded) GetAccount(ctx context.Context, emsNo string) (*bonded.Account, error) {
	return getByID(ctx, r.accounts, emsNo, errBondedAccountNotFound, bondedAccountFromDoc)
}

// UpdateAccount changes an account under optimistic concurrency.
func (r *Bonded) UpdateAccount(ctx context.Context, emsNo string, change func(*bonded.Account) error) (*bonded.Account, error) {
	return updateVersioned(ctx, r.store, r.accounts, emsNo, errBondedAccountNotFound, bondedAccountFromDoc, change, bondedAccountToDoc)
}

// ListAccounts pages accounts by emsNo; firmOrgID, when given, keeps one firm's.
func (r *Bonded) ListAccounts(ctx context.Context, firmOrgID string, limit int, cursor string) ([]*bonded.Account, string, error) {
	filter := bson.M{}
	if firmOrgID != "" {
		filter["firmOrgId"] = firmOrgID // MongoDB: index "firm"
	}
	docs, next, err := page(ctx, r.accounts, filter, limit, cursor, func(d *bondedAccountDoc) string { return d.ID })
	if err != nil {
		return nil, "", err
	}
	out := make([]*bonded.Account, len(docs))
	for i := range docs {
		out[i] = bondedAccountFromDoc(&docs[i])
	}
	return out, next, nil
}

// CreateItem stores a new item record; one registered already is item_record_exists.
func (r *Bonded) CreateItem(ctx context.Context, s *bonded.Stock) error {
	_, err := r.stock.InsertOne(ctx, bondedStockToDoc(s))
	if isDuplicateKey(err) {
		return domain.Errorf(domain.KindConflict, "item_record_exists", "item record %s is registered in account %s already", s.ItemRecordNo(), s.EmsNo())
	}
	return internal(err, "create item record")
}

// GetItem loads one item record with its balance.
func (r *Bonded) GetItem(ctx context.Context, emsNo, itemRecordNo string) (*bonded.Stock, error) {
	return getByID(ctx, r.stock, bonded.StockID(emsNo, itemRecordNo), errItemRecordNotFound, bondedStockFromDoc)
}

// UpdateItem changes an item record's balance: one read and one write by _id, under the
// document's version condition (MongoDB) or its lock (embedded), retried from a fresh read on a
// lost race. The movements the change made are then written to the ledger.
func (r *Bonded) UpdateItem(ctx context.Context, emsNo, itemRecordNo string, change func(*bonded.Stock) error) (*bonded.Stock, error) {
	s, err := updateVersioned(ctx, r.store, r.stock, bonded.StockID(emsNo, itemRecordNo), errItemRecordNotFound, bondedStockFromDoc, change, bondedStockToDoc)
	if err != nil {
		return nil, err
	}
	return s, r.record(ctx, s.Moved())
}

// ReserveItem holds qty of an item record for list ref (bonded.Stock.Reserve) and writes the
// ledger line. On MongoDB it is one conditional update — enough available, no hold of ref yet —
// so that concurrent filings never wait for each other's retries; when it matches nothing, a
// read tells why (held already: false; short: insufficient_stock), and one that fits by then
// (stock came in meanwhile) is tried again. On the embedded store it is the read-change-write
// under the document's lock (UpdateItem).
func (r *Bonded) ReserveItem(ctx context.Context, emsNo, itemRecordNo, ref string, qty code.Decimal, at time.Time, actor string) (bool, error) {
	if r.store.local != nil || qty.Sign() <= 0 {
		made := false
		_, err := r.UpdateItem(ctx, emsNo, itemRecordNo, func(s *bonded.Stock) error {
			ok, err := s.Reserve(ref, qty, at, actor)
			if made = ok; err == nil && !ok {
				return errNothingReserved
			}
			return err
		})
		if err == errNothingReserved {
			return false, nil
		}
		return made, err
	}
	id, q := bonded.StockID(emsNo, itemRecordNo), qty.Scaled()
	for attempt := 0; attempt < maxUpdateAttempts; attempt++ {
		var doc bondedStockDoc
		err := r.stock.FindOneAndUpdate(ctx,
			bson.M{"_id": id, "available": bson.M{"$gte": q}, "holds.ref": bson.M{"$ne": ref}},
			bson.M{
				"$inc":  bson.M{"available": -q, "reserved": q, "seq": int64(1), "version": int64(1)},
				"$push": bson.M{"holds": bondedHoldDoc{Ref: ref, Qty: qty, At: at}},
				"$set":  bson.M{"updatedAt": at},
			},
			options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&doc)
		if err == nil {
			return true, r.record(ctx, []bonded.Movement{{ID: bonded.MovementID(emsNo, itemRecordNo, doc.Seq), EmsNo: emsNo,
				ItemRecordNo: itemRecordNo, Seq: doc.Seq, Kind: bonded.MoveReserve, Qty: qty, Ref: ref,
				OnHand: code.DecimalFromScaled(doc.OnHand), Reserved: code.DecimalFromScaled(doc.Reserved), At: at, Actor: actor}})
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return false, internal(err, "reserve bonded stock")
		}
		s, err := r.GetItem(ctx, emsNo, itemRecordNo)
		if err != nil {
			return false, err
		}
		if _, held := s.Held(ref); held {
			return false, nil
		}
		if _, err := s.Reserve(ref, qty, at, actor); err != nil {
			return false, err
		}
	}
	return false, domain.Errorf(domain.KindConflict, "concurrent_update", "the record is being changed by others; try again")
}

var errNothingReserved = errors.New("held already")

// ListItems pages an account's item records in itemRecordNo order.
func (r *Bonded) ListItems(ctx context.Context, emsNo string, limit int, cursor string) ([]*bonded.Stock, string, error) {
	filter := bson.M{"emsNo": emsNo} // MongoDB: index "ems_item"
	if cursor != "" {
		after, err := decodeCursor(cursor)
		if err != nil {
			return nil, "", err
		}
		filter["itemRecordNo"] = bson.M{"$gt": after}
	}
	docs, more, err := findPage[bondedStockDoc](ctx, r.stock, filter, bson.D{{Key: "itemRecordNo", Value: 1}}, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]*bonded.Stock, len(docs))
	for i := range docs {
		out[i] = bondedStockFromDoc(&docs[i])
	}
	next := ""
	if more {
		next = encodeCursor(docs[len(docs)-1].ItemRecordNo)
	}
	return out, next, nil
}

// record writes ledger lines in one unordered insert; a line written already (the same derived
// id) is left as it is.
func (r *Bonded) record(ctx context.Context, ms []bonded.Movement) error {
	if len(ms) == 0 {
		return nil
	}
	docs := make([]any, len(ms))
	for i, m := range ms {
		docs[i] = bondedMovementDoc{ID: m.ID, EmsNo: m.EmsNo, ItemRecordNo: m.ItemRecordNo, Seq: m.Seq, Kind: string(m.Kind),
			Qty: m.Qty, Ref: m.Ref, OnHand: m.OnHand, Reserved: m.Reserved, CreatedAt: m.At, Actor: m.Actor}
	}
	_, err := r.movements.InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err == nil {
		return nil
	}
	var bwe mongo.BulkWriteException
	if !errors.As(err, &bwe) || bwe.WriteConcernError != nil {
		return internal(err, "record bonded movements")
	}
	for _, we := range bwe.WriteErrors {
		if !isDuplicateKeyCode(we.Code) {
			return internal(err, "record bonded movements")
		}
	}
	return nil
}

// Movements pages an account's ledger newest first, optionally of one item record.
func (r *Bonded) Movements(ctx context.Context, f app.MovementFilter) ([]bonded.Movement, string, error) {
	and := bson.A{bson.M{"emsNo": f.EmsNo}} // MongoDB: index "ems_created"
	if f.ItemRecordNo != "" {
		and = append(and, bson.M{"itemRecordNo": f.ItemRecordNo})
	}
	docs, next, err := pageByCreated(ctx, r.movements, and, f.Limit, f.Cursor, func(d *bondedMovementDoc) (time.Time, string) {
		return d.CreatedAt, d.ID
	})
	if err != nil {
		return nil, "", err
	}
	out := make([]bonded.Movement, len(docs))
	for i, d := range docs {
		out[i] = bonded.Movement{ID: d.ID, EmsNo: d.EmsNo, ItemRecordNo: d.ItemRecordNo, Seq: d.Seq, Kind: bonded.MovementKind(d.Kind),
			Qty: d.Qty, Ref: d.Ref, OnHand: d.OnHand, Reserved: d.Reserved, At: d.CreatedAt, Actor: d.Actor}
	}
	return out, next, nil
}
