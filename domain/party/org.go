// Package party models the organisations that use Silkgate — the zone operator, exporters (trade
// firms), customs brokers, and the carriers, e-commerce platforms and payment firms that file the
// order, waybill and payment documents (三单) of export parcels — their API keys, and the broker authorisations (电子代理报关委托)
// that let a broker file customs declarations for an exporter.
package party

import (
	"context"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// Kind is what an organisation is to the zone; it decides what its keys may do.
type Kind string

// The organisation kinds.
const (
	KindOperator Kind = "operator"
	KindExporter Kind = "exporter"
	KindBroker   Kind = "broker"
	KindCarrier  Kind = "carrier"  // 物流企业: files the waybills (CEB505) of the parcels it carries
	KindPlatform Kind = "platform" // 电商平台: files the orders (CEB303) of the parcels sold on it
	KindPayment  Kind = "payment"  // 支付企业: files the payment receipts (CEB403) of the orders it collected
)

// RegisteredKinds are the kinds the operator registers (the operator itself is made at first start).
var RegisteredKinds = []Kind{KindExporter, KindBroker, KindCarrier, KindPlatform, KindPayment}

// Registrable reports whether the operator may register an organisation of kind k.
func (k Kind) Registrable() bool { return slices.Contains(RegisteredKinds, k) }

// Contact is the person the zone calls about an organisation.
type Contact struct {
	Name  string
	Phone string
	Email string
}

// OrgFields are the editable facts of an organisation, as a client sends them.
type OrgFields struct {
	Name        string
	NameEn      string
	USCC        string
	CustomsCode string
	Contact     *Contact
}

// Org is a registered organisation. Its USCC is its natural key: unique across the zone.
type Org struct {
	id          string
	kind        Kind
	name        string
	nameEn      string
	uscc        string
	customsCode string
	contact     *Contact
	autoConfirm bool
	createdAt   time.Time
	updatedAt   time.Time
	version     int64
	outbox      []domain.Event
	card        bool // only the card (Card): not a record to store or change
}

// Card is the organisation as ViewCard shows it: id, kind and names, nothing else.
func (o *Org) Card() *Org {
	return &Org{id: o.id, kind: o.kind, name: o.name, nameEn: o.nameEn, createdAt: o.createdAt, updatedAt: o.updatedAt, card: true}
}

// IsCard reports whether this is only the organisation's card.
func (o *Org) IsCard() bool { return o.card }

const (
	maxNameRunes = 100
	maxPhone     = 32
)

// NewOrg registers an exporter, broker, carrier, platform or payment firm after checking every
// field; all problems come back at once as one Invalid error.
func NewOrg(id string, kind Kind, f OrgFields, at time.Time) (*Org, error) {
	var v domain.Violations
	if !kind.Registrable() {
		v.Add("kind", "invalid_kind", `kind must be "exporter", "broker", "carrier", "platform" or "payment"`)
	}
	checkOrgFields(&v, &f)
	if err := v.Err(); err != nil {
		return nil, err
	}
	o := &Org{id: id, kind: kind, createdAt: at, updatedAt: at}
	o.apply(f)
	o.record(at, "org.registered", map[string]any{"kind": string(kind), "uscc": o.uscc})
	return o, nil
}

// NewOperator makes the zone operator's own organisation, which needs no customs registration.
func NewOperator(id, name string, at time.Time) *Org {
	return &Org{id: id, kind: KindOperator, name: name, createdAt: at, updatedAt: at}
}

func checkOrgFields(v *domain.Violations, f *OrgFields) {
	f.Name = strings.TrimSpace(f.Name)
	f.NameEn = strings.TrimSpace(f.NameEn)
	f.USCC = strings.ToUpper(strings.TrimSpace(f.USCC))
	f.CustomsCode = strings.ToUpper(strings.TrimSpace(f.CustomsCode))
	checkName(v, "name", f.Name, true)
	checkName(v, "nameEn", f.NameEn, false)
	if f.USCC == "" {
		v.Add("uscc", "required", "uscc is required")
	} else if err := code.CheckUSCC(f.USCC); err != nil {
		v.AddError("uscc", err)
	}
	if f.CustomsCode == "" {
		v.Add("customsCode", "required", "customsCode is required")
	} else if err := code.CheckCustomsCode(f.CustomsCode); err != nil {
		v.AddError("customsCode", err)
	}
	if f.Contact != nil {
		checkContact(v, f.Contact)
	}
}

func checkName(v *domain.Violations, field, name string, required bool) {
	v.CheckText(field, name, required, maxNameRunes)
}

func checkContact(v *domain.Violations, c *Contact) {
	c.Name = strings.TrimSpace(c.Name)
	c.Phone = strings.TrimSpace(c.Phone)
	c.Email = strings.TrimSpace(c.Email)
	checkName(v, "contact.name", c.Name, true)
	if len(c.Phone) > maxPhone || strings.Trim(c.Phone, "+0123456789- ()") != "" {
		v.Add("contact.phone", "invalid_phone", "phone has digits, spaces, +, - and parentheses only (at most 32)")
	}
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email {
			v.Add("contact.email", "invalid_email", "email is not a valid address")
		}
	}
	if c.Phone == "" && c.Email == "" {
		v.Add("contact", "required", "a contact needs a phone or an email")
	}
}

func (o *Org) apply(f OrgFields) {
	o.name, o.nameEn, o.uscc, o.customsCode = f.Name, f.NameEn, f.USCC, f.CustomsCode
	if f.Contact != nil {
		c := *f.Contact
		o.contact = &c
	} else {
		o.contact = nil
	}
}

// OrgPatch is a partial change; nil fields stay as they are.
type OrgPatch struct {
	Name                      *string
	NameEn                    *string
	CustomsCode               *string
	Contact                   *Contact
	AutoConfirmAuthorizations *bool
}

// Patch applies a partial change after checking the result as a whole. The USCC is the natural
// key and never changes; auto-confirmation is an exporter's setting only.
func (o *Org) Patch(p OrgPatch, at time.Time) error {
	f := OrgFields{Name: o.name, NameEn: o.nameEn, USCC: o.uscc, CustomsCode: o.customsCode, Contact: o.contact}
	if p.Name != nil {
		f.Name = *p.Name
	}
	if p.NameEn != nil {
		f.NameEn = *p.NameEn
	}
	if p.CustomsCode != nil {
		f.CustomsCode = *p.CustomsCode
	}
	if p.Contact != nil {
		f.Contact = p.Contact
	}
	var v domain.Violations
	if o.kind == KindOperator {
		checkName(&v, "name", strings.TrimSpace(f.Name), true)
		if p.CustomsCode != nil {
			v.Add("customsCode", "not_applicable", "the operator has no customs code")
		}
		if f.Contact != nil {
			checkContact(&v, f.Contact)
		}
	} else {
		checkOrgFields(&v, &f)
	}
	if p.AutoConfirmAuthorizations != nil && o.kind != KindExporter {
		v.Add("autoConfirmAuthorizations", "not_applicable", "only an exporter confirms authorisations")
	}
	if err := v.Err(); err != nil {
		return err
	}
	o.apply(f)
	if p.AutoConfirmAuthorizations != nil {
		o.autoConfirm = *p.AutoConfirmAuthorizations
	}
	o.updatedAt = at
	o.record(at, "org.updated", nil)
	return nil
}

func (o *Org) record(at time.Time, typ string, data map[string]any) {
	o.outbox = append(o.outbox, domain.NewEvent("org", o.id, o.version+1, len(o.outbox), typ, at, data))
}

// ID is the organisation's opaque identifier.
func (o *Org) ID() string { return o.id }

// Kind is operator, exporter, broker, carrier, platform or payment.
func (o *Org) Kind() Kind { return o.kind }

// Name is the registered (Chinese) name.
func (o *Org) Name() string { return o.name }

// NameEn is the English name, if given.
func (o *Org) NameEn() string { return o.nameEn }

// USCC is the unified social credit code; empty for the operator.
func (o *Org) USCC() string { return o.uscc }

// CustomsCode is the 10-character customs registration code; empty for the operator.
func (o *Org) CustomsCode() string { return o.customsCode }

// Contact is the contact person, or nil.
func (o *Org) Contact() *Contact { return o.contact }

// AutoConfirmAuthorizations reports whether an exporter accepts brokers' authorisation requests
// without confirming each.
func (o *Org) AutoConfirmAuthorizations() bool { return o.autoConfirm }

// CreatedAt is when the organisation was registered.
func (o *Org) CreatedAt() time.Time { return o.createdAt }

// UpdatedAt is when it last changed.
func (o *Org) UpdatedAt() time.Time { return o.updatedAt }

// Version counts stored changes, for optimistic concurrency.
func (o *Org) Version() int64 { return o.version }

// Outbox holds the events recorded since the organisation was loaded.
func (o *Org) Outbox() []domain.Event { return o.outbox }

// OrgFromDatabase rebuilds a stored organisation without re-checking it.
func OrgFromDatabase(id string, kind Kind, f OrgFields, autoConfirm bool, createdAt, updatedAt time.Time, version int64) *Org {
	o := &Org{id: id, kind: kind, autoConfirm: autoConfirm, createdAt: createdAt, updatedAt: updatedAt, version: version}
	o.apply(f)
	return o
}

// OrgFilter selects organisations for a list. IDs, when not nil, restricts the list to those ids
// (how exporters and brokers see only themselves and their counterparties).
type OrgFilter struct {
	Kind   Kind
	IDs    []string
	Limit  int
	Cursor string
}

// OrgRepository stores organisations.
type OrgRepository interface {
	// Create stores a new organisation; a USCC already registered is a Conflict "org_exists".
	Create(ctx context.Context, o *Org) error
	// Get returns the organisation or a NotFound error.
	Get(ctx context.Context, id string) (*Org, error)
	// Update loads the organisation, lets change modify it and stores it if the stored version
	// has not moved meanwhile (else it retries with a fresh copy).
	Update(ctx context.Context, id string, change func(*Org) error) (*Org, error)
	// List returns organisations in registration order (newest first) and the cursor of the next page.
	List(ctx context.Context, f OrgFilter) ([]*Org, string, error)
	// ByCode returns the organisation registered with a customs code or USCC, or a NotFound
	// error: how a code on a parcel finds the firm's registered name.
	ByCode(ctx context.Context, code string) (*Org, error)
}
