package app

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
)

var notFoundDeclaration = domain.NotFound("declaration")

// DeclarationResult is the outcome of one item of a bulk declaration request.
type DeclarationResult struct {
	Index       int
	Ref         string // what the item named: a parcel id, a declaration id
	ID          string
	Status      ItemStatus // created, duplicate (exists already), invalid
	Errors      []domain.FieldError
	Declaration *customs.Declaration
}

func itemError(field string, err error) []domain.FieldError {
	var v domain.Violations
	v.AddError(field, err)
	return v.Fields()
}

// requireFiler refuses the operator, who reads every filing but files none.
func requireFiler(actor Actor) error {
	if actor.IsOperator() {
		return forbidden("filer_only", "declarations are filed by exporters and their brokers")
	}
	return nil
}

// filingRight checks that actor may file for exporterID in tradeMode now (CanFile).
func (a *App) filingRight(ctx context.Context, actor Actor, exporterID, tradeMode string) error {
	ok, err := a.CanFile(ctx, actor.OrgID, exporterID, tradeMode, a.Clock.Now())
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.KindForbidden, "authorization_required",
			"filing %s for this exporter needs an active authorisation covering the trade mode", tradeMode)
	}
	return nil
}

// inventoryID is the id of a parcel's inventory list for its n-th filing: derived, so that
// asking twice for the same parcel's list finds the first one instead of making a second.
func inventoryID(parcelID string, attempt int) string {
	return "inv_" + strings.TrimPrefix(parcelID, "pcl_") + "_" + strconv.Itoa(attempt)
}

// attemptOf counts a parcel's filings: one more than the rejections in its timeline.
func attemptOf(p *parcel.Parcel) int {
	n := 1
	for _, e := range p.Timeline() {
		if e.Status == parcel.StatusRejected && e.Type == parcel.EventRejected {
			n++
		}
	}
	return n
}

// CreateInventoryDeclarations drafts one inventory list (CEB603) per parcel. Each parcel must
// be one the caller may see and file for (its exporter, or a broker authorised for the trade
// mode), and registered or rejected. Asking again for a parcel whose list exists answers that
// list (duplicate). When every item fails for want of an authorisation the request as a whole
// is Forbidden.
func (a *App) CreateInventoryDeclarations(ctx context.Context, actor Actor, parcelIDs []string) ([]DeclarationResult, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if len(parcelIDs) == 0 || len(parcelIDs) > MaxBatch {
		return nil, domain.InvalidField("parcelIds", "invalid_batch_size", "name 1 to 1000 parcels")
	}
	filer, err := a.Orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	now := a.Clock.Now()
	results := make([]DeclarationResult, len(parcelIDs))
	exporters := map[string]*party.Org{}
	var drafts []*customs.Declaration
	var draftIndex []int
	seen := map[string]int{}
	denied := 0
	rights := a.rightsOf(ctx, actor)
	if rights.scope.err != nil {
		return nil, rights.scope.err
	}
	for i, pid := range parcelIDs {
		r := &results[i]
		r.Index, r.Ref = i, pid
		field := "parcelIds[" + strconv.Itoa(i) + "]"
		p, err := a.parcelIn(ctx, rights.scope.scope, pid)
		if isNotFound(err) && actor.Kind == party.KindBroker {
			// A broker names parcels of exporters it works for; one it may not see yet lacks the
			// exporter's authorisation, and saying so is what helps it.
			if _, gerr := a.Parcels.Get(ctx, pid); gerr == nil {
				err = domain.Errorf(domain.KindForbidden, "authorization_required",
					"filing for this parcel's exporter needs its active authorisation")
				denied++
			}
		}
		if err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				return nil, err
			}
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		if err := rights.check(ctx, p.ExporterID(), p.TradeMode()); err != nil {
			if domain.KindOf(err) == domain.KindInternal {
				return nil, err
			}
			denied++
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		id := inventoryID(p.ID(), attemptOf(p))
		if first, dup := seen[id]; dup {
			r.Status, r.ID = ItemDuplicate, results[first].ID
			continue
		}
		if !p.Editable() {
			// Declared already (or cancelled): answer with the list that declared it, if any.
			if p.DeclarationID() != "" {
				r.Status, r.ID = ItemDuplicate, p.DeclarationID()
				continue
			}
			r.Status, r.Errors = ItemInvalid, []domain.FieldError{{Field: field, Code: "parcel_not_declarable",
				Message: "only a registered or rejected parcel can be declared; this one is " + string(p.Status())}}
			continue
		}
		exporter, ok := exporters[p.ExporterID()]
		if !ok {
			if exporter, err = a.Orgs.Get(ctx, p.ExporterID()); err != nil {
				return nil, err
			}
			exporters[p.ExporterID()] = exporter
		}
		d, err := customs.NewInventory(id, customs.InventoryInput{
			FilerID: actor.OrgID, ExporterID: p.ExporterID(), ParcelID: p.ID(), Parcel: p.Fields(),
			Parties: customs.FilingParties{
				AgentCode: filer.CustomsCode(), AgentName: filer.Name(),
				EbcCode: exporter.CustomsCode(), EbcName: exporter.Name(),
			},
			CustomsCode: a.Customs.District, PortCode: a.Customs.PortCode,
		}, now, actor.OrgID)
		if err != nil {
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
			continue
		}
		seen[id] = i
		r.ID = id
		drafts = append(drafts, d)
		draftIndex = append(draftIndex, i)
	}
	if denied == len(parcelIDs) {
		return nil, domain.Errorf(domain.KindForbidden, "authorization_required",
			"filing for these exporters needs an active authorisation covering the trade mode")
	}
	existing, err := a.Declarations.CreateMany(ctx, drafts)
	if err != nil {
		return nil, err
	}
	for k, d := range drafts {
		r := &results[draftIndex[k]]
		if existing[k] {
			r.Status = ItemDuplicate
			continue
		}
		r.Status, r.Declaration = ItemCreated, d
	}
	return results, nil
}

// CreateEntryDeclaration drafts a full customs declaration (报关单) for 9710 / 9810 / 0110 goods.
func (a *App) CreateEntryDeclaration(ctx context.Context, actor Actor, exporterID string, draft customs.EntryDraft) (*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if exporterID == "" {
		exporterID = actor.OrgID
	}
	if ok, err := a.canSee(ctx, actor, exporterID); err != nil {
		return nil, err
	} else if !ok {
		return nil, domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no exporter you work with")
	}
	exporter, err := a.Orgs.Get(ctx, exporterID)
	if err != nil || exporter.Kind() != party.KindExporter {
		return nil, domain.InvalidField("exporterId", "unknown_exporter", "exporterId names no registered exporter")
	}
	if slices.Contains(customs.EntryTradeModes, draft.TradeMode) {
		if err := a.filingRight(ctx, actor, exporterID, draft.TradeMode); err != nil {
			return nil, err
		}
	}
	d, err := customs.NewEntry(a.IDs.New("ent"), actor.OrgID, exporterID, draft, a.Clock.Now(), actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := a.Declarations.Create(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// CreateCancelDeclaration drafts the cancellation (CEB605) of an inventory list that customs
// accepted or released and that has not left.
func (a *App) CreateCancelDeclaration(ctx context.Context, actor Actor, targetID, reason string) (*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	target, err := a.GetDeclaration(ctx, actor, targetID)
	if err != nil {
		if isNotFound(err) {
			return nil, domain.InvalidField("declarationId", "unknown_declaration", "declarationId names no declaration you may see")
		}
		return nil, err
	}
	if target.Kind() != customs.KindInventory {
		return nil, domain.InvalidField("declarationId", "not_an_inventory_list", "only inventory lists are cancelled with CEB605")
	}
	if err := a.filingRight(ctx, actor, target.ExporterID(), target.TradeMode()); err != nil {
		return nil, err
	}
	d, err := customs.NewCancel(a.IDs.New("cnl"), actor.OrgID, target, reason, a.Clock.Now(), actor.OrgID)
	if err != nil {
		return nil, err
	}
	if err := a.Declarations.Create(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// CreateSummaryDeclarations drafts the summary applications (CEB701) of an exporter's released
// statisticsFlag-B inventory lists of one closed month, one per group the summary rules form,
// and puts each list into its summary. Asking again answers the summaries made before, with
// new ones for lists released since.
func (a *App) CreateSummaryDeclarations(ctx context.Context, actor Actor, exporterID, month string) ([]*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if exporterID == "" {
		exporterID = actor.OrgID
	}
	now := a.Clock.Now()
	m, err := customs.ParseMonth(month, now) // its errors name the field "month"
	if err != nil {
		return nil, err
	}
	if err := a.filingRight(ctx, actor, exporterID, parcel.TradeMode9610); err != nil {
		if err2 := a.filingRight(ctx, actor, exporterID, parcel.TradeMode1210); err2 != nil {
			return nil, err
		}
	}
	filer, err := a.Orgs.Get(ctx, actor.OrgID)
	if err != nil {
		return nil, err
	}
	lists, err := a.Declarations.ReleasedInventory(ctx, exporterID, m.Start(), m.End())
	if err != nil {
		return nil, err
	}
	var out []*customs.Declaration
	// Summaries asked for before are answered again: their lists are no longer summarisable.
	var earlier []string
	for _, l := range lists {
		if id := l.SummaryID(); id != "" && !slices.Contains(earlier, id) {
			earlier = append(earlier, id)
		}
	}
	for _, id := range earlier {
		d, err := a.Declarations.Get(ctx, id)
		if err != nil {
			return nil, err
		}
		if sm, ok := d.Summary(); ok && sm.Month == m && d.ExporterID() == exporterID {
			out = append(out, d)
		}
	}
	for _, g := range customs.GroupForSummary(lists, m) {
		id := summaryID(g)
		d, err := customs.NewSummary(id, customs.SummaryInput{FilerID: actor.OrgID, Group: g,
			DeclAgentCode: filer.CustomsCode(), DeclAgentName: filer.Name()}, now, actor.OrgID)
		if err != nil {
			return nil, err
		}
		if err := a.Declarations.Create(ctx, d); err != nil {
			if domain.CodeOf(err) != "declaration_exists" {
				return nil, err
			}
			if d, err = a.Declarations.Get(ctx, id); err != nil {
				return nil, err
			}
		}
		// Put each list into the summary; a crash here is finished by asking again, since the
		// summary id is derived from its group and assigning twice is harmless.
		for _, l := range g.Lists {
			if _, err := a.Declarations.Update(ctx, l.DeclarationID, func(list *customs.Declaration) error {
				return list.AssignToSummary(id, now, actor.OrgID)
			}); err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
				return nil, err
			}
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, domain.Errorf(domain.KindFailedPrecondition, "nothing_to_summarise",
			"no released statisticsFlag-B inventory lists of %s wait for a summary", month)
	}
	return out, nil
}

// summaryID derives a summary's id from its group, so that the same group is never filed twice.
func summaryID(g customs.SummaryGroup) string {
	key := strings.Join([]string{g.ExporterID, g.Month.String(), g.AgentCode, g.TradeMode, g.CustomsCode,
		g.PortCode, g.Country, g.Currency}, "_")
	return "sum_" + key
}

// GetDeclaration returns a declaration the caller may see: the operator all, an exporter its
// own, a broker those of the exporters that authorised it.
func (a *App) GetDeclaration(ctx context.Context, actor Actor, id string) (*customs.Declaration, error) {
	d, err := a.Declarations.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	scope, err := a.scopeOf(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !scope.covers(d.ExporterID()) && d.FilerID() != actor.OrgID {
		return nil, notFoundDeclaration
	}
	return d, nil
}

// ListDeclarations lists the declarations the caller may see, newest first.
func (a *App) ListDeclarations(ctx context.Context, actor Actor, f customs.Filter) (Page[*customs.Declaration], error) {
	f.Limit = clampLimit(f.Limit)
	scope, err := a.scopeOf(ctx, actor)
	if err != nil {
		return Page[*customs.Declaration]{}, err
	}
	if !scope.all {
		if f.ExporterIDs == nil {
			f.ExporterIDs = scope.exporters
		} else {
			f.ExporterIDs = slices.DeleteFunc(f.ExporterIDs, func(id string) bool { return !scope.covers(id) })
		}
	}
	items, next, err := a.Declarations.List(ctx, f)
	return Page[*customs.Declaration]{Items: items, NextCursor: next}, err
}

// newGUID makes a message guid: an upper-case random (version 4) UUID.
func newGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

func copSeq() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) % 1_000_000
}

// SubmitDeclarations files drafts with customs: each gets its message (guid, copNo, the exact
// XML) in the same write that marks it submitted, with an event whose relay sends it. Submitting
// one that is already under way is harmless; a send failure or processing error is filed again
// under a new guid. Only the filer submits.
func (a *App) SubmitDeclarations(ctx context.Context, actor Actor, ids []string) ([]DeclarationResult, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	if len(ids) == 0 || len(ids) > MaxBatch {
		return nil, domain.InvalidField("ids", "invalid_batch_size", "name 1 to 1000 declarations")
	}
	results := make([]DeclarationResult, len(ids))
	var submitted []string
	rights := a.rightsOf(ctx, actor)
	for i, id := range ids {
		r := &results[i]
		r.Index, r.Ref, r.ID = i, id, id
		field := "ids[" + strconv.Itoa(i) + "]"
		d, err := a.submit(ctx, actor, id, rights)
		switch {
		case err == nil:
			r.Status, r.Declaration = ItemCreated, d
			submitted = append(submitted, id)
		case domain.KindOf(err) == domain.KindInternal:
			return nil, err
		default:
			r.Status, r.Errors = ItemInvalid, itemError(field, err)
		}
	}
	a.relaySoon(ctx, "declaration", submitted...)
	return results, nil
}

// SubmitDeclaration files one declaration (see SubmitDeclarations).
func (a *App) SubmitDeclaration(ctx context.Context, actor Actor, id string) (*customs.Declaration, error) {
	if err := requireFiler(actor); err != nil {
		return nil, err
	}
	d, err := a.submit(ctx, actor, id, a.rightsOf(ctx, actor))
	if err == nil {
		a.relaySoon(ctx, "declaration", id)
	}
	return d, err
}

func (a *App) submit(ctx context.Context, actor Actor, id string, rights *filingRights) (*customs.Declaration, error) {
	d, err := a.Declarations.Update(ctx, id, func(d *customs.Declaration) error {
		if d.FilerID() != actor.OrgID {
			ok, err := rights.scope.coversOrErr(d.ExporterID())
			if err != nil {
				return err
			}
			if !ok {
				return notFoundDeclaration
			}
			return forbidden("filer_only", "only the organisation that drafted a declaration submits it")
		}
		if !d.Editable() && !d.Resubmittable() {
			return errUnchanged // under way already: submitting again changes nothing
		}
		if err := rights.check(ctx, d.ExporterID(), d.TradeMode()); err != nil {
			return err
		}
		return a.file(d, a.Clock.Now())
	})
	if err == errUnchanged {
		return a.Declarations.Get(ctx, id)
	}
	return d, err
}

// file gives d a new filing — a guid, a copNo and the message built for them — and submits it.
func (a *App) file(d *customs.Declaration, now time.Time) error {
	copNo, err := customs.FormatCopNo(a.Customs.CopPrefix, now, copSeq())
	if err != nil {
		return err
	}
	f := Filing{GUID: newGUID(), CopNo: copNo, At: now}
	msg, err := a.Messages.Build(d, f)
	if err != nil {
		return err
	}
	return d.Submit(f.GUID, f.CopNo, msg.XML, now)
}

// filingRights answers CanFile for one request, asking the store once per exporter and mode.
type filingRights struct {
	app    *App
	actor  Actor
	scope  scopeResult
	answer map[string]error
}

type scopeResult struct {
	scope parcelScope
	err   error
}

func (s scopeResult) coversOrErr(exporterID string) (bool, error) {
	return s.scope.covers(exporterID), s.err
}

func (a *App) rightsOf(ctx context.Context, actor Actor) *filingRights {
	scope, err := a.scopeOf(ctx, actor)
	return &filingRights{app: a, actor: actor, scope: scopeResult{scope, err}, answer: map[string]error{}}
}

func (r *filingRights) check(ctx context.Context, exporterID, tradeMode string) error {
	key := exporterID + "/" + tradeMode
	if err, ok := r.answer[key]; ok {
		return err
	}
	err := r.app.filingRight(ctx, r.actor, exporterID, tradeMode)
	r.answer[key] = err
	return err
}

// SendDeclaration hands a submitted declaration's message to the gateway (the send task). A
// declaration that is not waiting for customs any more is left alone.
func (a *App) SendDeclaration(ctx context.Context, id string) error {
	d, err := a.Declarations.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if !d.AwaitingCustoms() {
		return nil
	}
	if err := a.Gateway.Send(ctx, OutgoingMessage{DeclarationID: d.ID(), GUID: d.GUID(), Type: messageType(d.Kind()), XML: d.Message()}); err != nil {
		return err
	}
	return a.Declarations.MarkSent(ctx, d.ID(), a.Clock.Now())
}

// MayReceiveReceipts admits the operator (and the keys it gives the customs-gateway client).
func MayReceiveReceipts(actor Actor) error {
	return requireOperator(actor)
}

// ReceiptResult is what became of one receipt.
type ReceiptResult struct {
	GUID          string          `json:"guid"`
	ReturnStatus  string          `json:"returnStatus"`
	DeclarationID string          `json:"declarationId"`
	Outcome       customs.Outcome `json:"outcome"`
	Status        customs.Status  `json:"status"`
}

// ReceiveReceipts applies a body of receipt documents (from the receipts endpoint or a receipt
// task). Every document is read and every guid found before anything is applied, so a body with
// a malformed document (Invalid) or an unknown guid (NotFound) changes nothing. Applying is
// idempotent and order-tolerant (the declaration decides), and what follows from a change — the
// parcel's status, a cancellation, a summary's lists — follows through the outbox.
func (a *App) ReceiveReceipts(ctx context.Context, body []byte) ([]ReceiptResult, error) {
	receipts, err := a.Messages.DecodeReceipts(body)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(receipts))
	for i, r := range receipts {
		d, err := a.Declarations.FindByGUID(ctx, strings.ToUpper(r.GUID))
		if isNotFound(err) {
			return nil, &domain.Error{Kind: domain.KindNotFound, Code: "unknown_guid",
				Message: "no declaration was filed under guid " + r.GUID,
				Fields:  []domain.FieldError{{Field: fmt.Sprintf("receipts[%d].guid", i), Code: "unknown_guid", Message: r.GUID}}}
		}
		if err != nil {
			return nil, err
		}
		ids[i] = d.ID()
	}
	now := a.Clock.Now()
	out := make([]ReceiptResult, len(receipts))
	var changed []string
	for i, r := range receipts {
		r.ReceivedAt = now
		var outcome customs.Outcome
		d, err := a.Declarations.Update(ctx, ids[i], func(d *customs.Declaration) error {
			var err error
			outcome, err = d.ApplyReceipt(r, now)
			if outcome == customs.Duplicate {
				return errUnchanged
			}
			return err
		})
		if err == errUnchanged {
			d, err = a.Declarations.Get(ctx, ids[i])
		}
		if err != nil {
			return nil, err
		}
		out[i] = ReceiptResult{GUID: r.GUID, ReturnStatus: r.ReturnStatus, DeclarationID: ids[i], Outcome: outcome, Status: d.Status()}
		if outcome != customs.Duplicate && !slices.Contains(changed, ids[i]) {
			changed = append(changed, ids[i])
		}
	}
	a.relaySoon(ctx, "declaration", changed...)
	return out, nil
}

// errUnchanged aborts an update that would store nothing new.
var errUnchanged = domain.Errorf(domain.KindFailedPrecondition, "unchanged", "nothing to store")

// followDeclaration carries a declaration's change over to what depends on it: the parcel of
// an inventory list follows its status; an approved cancellation cancels its target; a finished
// summary marks its lists. Each step is idempotent, so the relay may run it again after a crash.
func (a *App) followDeclaration(ctx context.Context, id string) error {
	d, err := a.Declarations.Get(ctx, id)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	now := a.Clock.Now()
	switch d.Kind() {
	case customs.KindInventory:
		return a.followParcel(ctx, d)
	case customs.KindCancel:
		c, _ := d.Cancellation()
		if !d.CancelApproved() {
			return nil
		}
		target, err := a.Declarations.Update(ctx, c.TargetID, func(t *customs.Declaration) error {
			return t.CancelledBy(d.ID(), now)
		})
		if err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
			return err
		}
		if target != nil {
			return a.cancelParcel(ctx, target)
		}
	case customs.KindSummary:
		res, ok := d.SummaryResult()
		if !ok {
			return nil
		}
		for _, l := range res.Lists {
			if _, err := a.Declarations.Update(ctx, l.DeclarationID, func(list *customs.Declaration) error {
				return list.MarkSummarised(d.ID(), res.EntryIDs, now, "customs")
			}); err != nil && domain.KindOf(err) != domain.KindFailedPrecondition {
				return err
			}
		}
	}
	return nil
}

// followParcel drives an inventory list's parcel to the status the list stands for. A move the
// parcel refuses as stale (a late "accepted" after "released") is left alone.
func (a *App) followParcel(ctx context.Context, d *customs.Declaration) error {
	target, ok := d.ParcelStatus()
	inv, _ := d.Inventory()
	if !ok || inv.ParcelID == "" {
		return nil
	}
	now := a.Clock.Now()
	_, err := a.Parcels.Update(ctx, inv.ParcelID, func(p *parcel.Parcel) error {
		if p.DeclarationID() != d.ID() || p.Status() == parcel.StatusRejected && target != parcel.StatusRejected {
			// Not (yet) declared under this list: declare it first, as the list was filed.
			if err := p.Declare(now, d.FilerID(), d.ID()); err != nil {
				return err
			}
		}
		var err error
		switch target {
		case parcel.StatusDeclared:
			return nil
		case parcel.StatusAccepted:
			err = p.Accept(now, "customs")
		case parcel.StatusInspection:
			err = p.Inspect(now, "customs")
		case parcel.StatusReleased:
			err = p.Release(now, "customs")
		case parcel.StatusRejected:
			err = p.Reject(now, "customs", orDefault(d.FailReason(), "rejected by customs"))
		}
		return err
	})
	if domain.CodeOf(err) == "illegal_transition" {
		a.Log.Debug("parcel left as it is", "parcel", inv.ParcelID, "declaration", d.ID(), "target", target, "err", err)
		return nil
	}
	if err == nil {
		a.relaySoon(ctx, "parcel", inv.ParcelID)
	}
	return err
}

// cancelParcel withdraws the parcel of a cancelled inventory list where the parcel machine
// allows it (Reject, then Cancel); a released parcel cannot be cancelled by the parcel machine
// yet, so it is left released and the cancellation stands on the declaration.
func (a *App) cancelParcel(ctx context.Context, list *customs.Declaration) error {
	inv, ok := list.Inventory()
	if !ok || list.Status() != customs.StatusCancelled {
		return nil
	}
	now := a.Clock.Now()
	_, err := a.Parcels.Update(ctx, inv.ParcelID, func(p *parcel.Parcel) error {
		switch p.Status() {
		case parcel.StatusDeclared, parcel.StatusAccepted, parcel.StatusInspection:
			if err := p.Reject(now, "customs", "inventory list cancelled by "+list.CancelledByID()); err != nil {
				return err
			}
			return p.Cancel(now, "customs", "inventory list cancelled")
		case parcel.StatusRejected:
			return p.Cancel(now, "customs", "inventory list cancelled")
		}
		return nil
	})
	if domain.CodeOf(err) == "illegal_transition" {
		return nil
	}
	return err
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// resendStale re-sends declarations that made no progress for ResendAfter: their send task or
// their receipts were lost. Customs (and the simulated authority) answer a repeated guid with
// the same receipts, which the declarations recognise as duplicates.
func (a *App) resendStale(ctx context.Context) error {
	if a.Declarations == nil || a.Customs.ResendAfter <= 0 {
		return nil
	}
	stale, err := a.Declarations.Unfinished(ctx, a.Clock.Now().Add(-a.Customs.ResendAfter), 1000)
	if err != nil {
		return err
	}
	for _, d := range stale {
		if !d.AwaitingCustoms() {
			// Nothing more is owed by customs (an approved cancellation): note it as handled, so
			// that it does not take a place in every batch.
			if err := a.Declarations.MarkSent(ctx, d.ID(), a.Clock.Now()); err != nil {
				return err
			}
			continue
		}
		if err := a.Queue.Enqueue(ctx, Task{Type: TaskCustomsSend, Payload: []byte(d.ID())}); err != nil {
			return err
		}
	}
	if len(stale) > 0 {
		a.Log.Info("reconciler re-sent stale declarations", "count", len(stale))
	}
	return nil
}

// ClearanceStats are figures of submitted → released times.
type ClearanceStats struct {
	Count         int           `json:"count"`
	P50, P90, P99 time.Duration `json:"-"`
}

// ClearanceStatistics measures how long inventory lists released in [from, to) took from
// submission to release: the operator sees the zone, others their own scope.
func (a *App) ClearanceStatistics(ctx context.Context, actor Actor, from, to time.Time, tradeMode string) (ClearanceStats, error) {
	f := customs.Filter{Kind: customs.KindInventory, TradeMode: tradeMode, Limit: MaxLimit}
	var durations []time.Duration
	for {
		page, err := a.ListDeclarations(ctx, actor, f)
		if err != nil {
			return ClearanceStats{}, err
		}
		for _, d := range page.Items {
			at := d.ReleasedAt()
			if at.IsZero() || !from.IsZero() && at.Before(from) || !to.IsZero() && !at.Before(to) {
				continue
			}
			if dur, ok := d.ClearanceTime(); ok {
				durations = append(durations, dur)
			}
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	slices.Sort(durations)
	st := ClearanceStats{Count: len(durations)}
	if len(durations) > 0 {
		st.P50, st.P90, st.P99 = percentile(durations, 50), percentile(durations, 90), percentile(durations, 99)
	}
	return st, nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}
