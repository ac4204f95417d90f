package party

import (
	"context"
	"slices"
	"strconv"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// AuthorizationStatus is where a broker authorisation stands.
type AuthorizationStatus string

// Authorisation statuses. An authorisation past its validTo stays "active" in storage; whether
// it covers a filing is decided by Covers at the filing time.
const (
	AuthPending AuthorizationStatus = "pending"
	AuthActive  AuthorizationStatus = "active"
	AuthRevoked AuthorizationStatus = "revoked"
)

// TradeModes a broker may be authorised for (docs/customs.md §2, §6).
var TradeModes = []string{"9610", "1210", "9710", "9810", "0110"}

// Authorization is an electronic customs-agency agreement (电子代理报关委托): the exporter lets the
// broker declare for it, for some trade modes, within a validity period. Either side starts it;
// the other confirms, unless the exporter started it or has switched on auto-confirmation.
type Authorization struct {
	id          string
	exporterID  string
	brokerID    string
	tradeModes  []string
	validFrom   time.Time
	validTo     time.Time
	status      AuthorizationStatus
	initiatedBy string
	createdAt   time.Time
	confirmedAt *time.Time
	revokedAt   *time.Time
	revokedBy   string
	version     int64
	outbox      []domain.Event
}

// AuthorizationRequest is what a client asks for.
type AuthorizationRequest struct {
	ExporterID string
	BrokerID   string
	TradeModes []string
	ValidFrom  time.Time
	ValidTo    time.Time
}

// maxAuthorizationSpan bounds an agreement; real agency agreements run for a year or two.
const maxAuthorizationSpan = 5 * 366 * 24 * time.Hour

// NewAuthorization starts an agreement. initiator is the organisation asking; exporter is the
// exporter named in the request (needed for its auto-confirmation setting). It is active at once
// when the exporter asked, or when the broker asked and the exporter auto-confirms.
func NewAuthorization(id string, req AuthorizationRequest, initiator, exporter, broker *Org, at time.Time) (*Authorization, error) {
	var v domain.Violations
	if exporter.Kind() != KindExporter {
		v.Add("exporterId", "not_an_exporter", "exporterId must name an exporter")
	}
	if broker.Kind() != KindBroker {
		v.Add("brokerId", "not_a_broker", "brokerId must name a broker")
	}
	modes := slices.Clone(req.TradeModes)
	if len(modes) == 0 {
		v.Add("tradeModes", "required", "name at least one trade mode")
	}
	for i, m := range modes {
		if !slices.Contains(TradeModes, m) {
			v.Add(domain.JoinPath("tradeModes", "["+strconv.Itoa(i)+"]"), "invalid_trade_mode", "trade mode must be one of 9610, 1210, 9710, 9810, 0110")
		}
	}
	slices.Sort(modes)
	modes = slices.Compact(modes)
	switch {
	case req.ValidFrom.IsZero():
		v.Add("validFrom", "required", "validFrom is required")
	case req.ValidTo.IsZero():
		v.Add("validTo", "required", "validTo is required")
	case !req.ValidTo.After(req.ValidFrom):
		v.Add("validTo", "before_valid_from", "validTo must be after validFrom")
	case !req.ValidTo.After(at):
		v.Add("validTo", "in_the_past", "validTo must be in the future")
	case req.ValidTo.Sub(req.ValidFrom) > maxAuthorizationSpan:
		v.Add("validTo", "too_long", "an authorisation runs for at most 5 years")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	a := &Authorization{
		id: id, exporterID: exporter.ID(), brokerID: broker.ID(), tradeModes: modes,
		validFrom: req.ValidFrom.UTC(), validTo: req.ValidTo.UTC(), status: AuthPending,
		initiatedBy: initiator.ID(), createdAt: at,
	}
	a.record(at, "authorization.requested", map[string]any{"exporterId": a.exporterID, "brokerId": a.brokerID})
	if initiator.ID() == exporter.ID() || exporter.AutoConfirmAuthorizations() {
		a.activate(at)
	}
	return a, nil
}

func (a *Authorization) activate(at time.Time) {
	a.status = AuthActive
	a.confirmedAt = &at
	a.record(at, "authorization.activated", nil)
}

// Confirm is the counterparty's consent: only the side that did not start the agreement may
// confirm it, and only while it is pending. Confirming an active one again is harmless.
func (a *Authorization) Confirm(by string, at time.Time) error {
	if by == a.initiatedBy {
		return domain.Errorf(domain.KindForbidden, "counterparty_only", "only the counterparty confirms an authorisation")
	}
	switch a.status {
	case AuthActive:
		return nil
	case AuthRevoked:
		return domain.Errorf(domain.KindFailedPrecondition, "authorization_revoked", "the authorisation was revoked")
	}
	a.activate(at)
	return nil
}

// Revoke ends the agreement at once; either party may. Revoking twice is harmless.
func (a *Authorization) Revoke(by string, at time.Time) error {
	if a.status == AuthRevoked {
		return nil
	}
	a.status = AuthRevoked
	a.revokedAt = &at
	a.revokedBy = by
	a.record(at, "authorization.revoked", map[string]any{"by": by})
	return nil
}

// Covers reports whether the agreement lets its broker file for its exporter in tradeMode at
// the given time: active, in scope, and within [validFrom, validTo).
func (a *Authorization) Covers(tradeMode string, at time.Time) bool {
	return a.InForce(at) && slices.Contains(a.tradeModes, tradeMode)
}

// Involves reports whether org is one of the two parties.
func (a *Authorization) Involves(orgID string) bool {
	return a.exporterID == orgID || a.brokerID == orgID
}

// record appends an event; every one names both parties and the initiator, so that whoever
// relays it knows whom it concerns and whose move it is without reading the agreement (webhook
// audiences, app.Dashboard).
func (a *Authorization) record(at time.Time, typ string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["exporterId"], data["brokerId"], data["initiatedBy"] = a.exporterID, a.brokerID, a.initiatedBy
	a.outbox = append(a.outbox, domain.NewEvent("authorization", a.id, a.version+1, len(a.outbox), typ, at, data))
}

// ID is the agreement's identifier.
func (a *Authorization) ID() string { return a.id }

// ExporterID is the exporter that authorises.
func (a *Authorization) ExporterID() string { return a.exporterID }

// BrokerID is the broker that is authorised.
func (a *Authorization) BrokerID() string { return a.brokerID }

// TradeModes is the scope, sorted.
func (a *Authorization) TradeModes() []string { return slices.Clone(a.tradeModes) }

// ValidFrom is the start of validity.
func (a *Authorization) ValidFrom() time.Time { return a.validFrom }

// ValidTo is the end of validity (exclusive).
func (a *Authorization) ValidTo() time.Time { return a.validTo }

// Status is pending, active or revoked.
func (a *Authorization) Status() AuthorizationStatus { return a.status }

// InitiatedBy is the organisation that started the agreement.
func (a *Authorization) InitiatedBy() string { return a.initiatedBy }

// CreatedAt is when it was started.
func (a *Authorization) CreatedAt() time.Time { return a.createdAt }

// ConfirmedAt is when it became active, or nil.
func (a *Authorization) ConfirmedAt() *time.Time { return a.confirmedAt }

// RevokedAt is when it was revoked, or nil.
func (a *Authorization) RevokedAt() *time.Time { return a.revokedAt }

// RevokedBy is the organisation that revoked it.
func (a *Authorization) RevokedBy() string { return a.revokedBy }

// Version counts stored changes.
func (a *Authorization) Version() int64 { return a.version }

// Outbox holds the events recorded since it was loaded.
func (a *Authorization) Outbox() []domain.Event { return a.outbox }

// AuthorizationRecord is the stored form, for rebuilding an Authorization from a database.
type AuthorizationRecord struct {
	ID, ExporterID, BrokerID string
	TradeModes               []string
	ValidFrom, ValidTo       time.Time
	Status                   AuthorizationStatus
	InitiatedBy              string
	CreatedAt                time.Time
	ConfirmedAt, RevokedAt   *time.Time
	RevokedBy                string
	Version                  int64
}

// AuthorizationFromDatabase rebuilds a stored agreement without re-checking it.
func AuthorizationFromDatabase(r AuthorizationRecord) *Authorization {
	return &Authorization{
		id: r.ID, exporterID: r.ExporterID, brokerID: r.BrokerID, tradeModes: r.TradeModes,
		validFrom: r.ValidFrom, validTo: r.ValidTo, status: r.Status, initiatedBy: r.InitiatedBy,
		createdAt: r.CreatedAt, confirmedAt: r.ConfirmedAt, revokedAt: r.RevokedAt, revokedBy: r.RevokedBy,
		version: r.Version,
	}
}

// AuthorizationFilter selects agreements for a list; empty fields match all. Party, when set,
// keeps only agreements that organisation is a party to (tenancy).
type AuthorizationFilter struct {
	ExporterID string
	BrokerID   string
	Status     AuthorizationStatus
	Party      string
	Limit      int
	Cursor     string
}

// AuthorizationRepository stores broker authorisations.
type AuthorizationRepository interface {
	Create(ctx context.Context, a *Authorization) error
	Get(ctx context.Context, id string) (*Authorization, error)
	Update(ctx context.Context, id string, change func(*Authorization) error) (*Authorization, error)
	List(ctx context.Context, f AuthorizationFilter) ([]*Authorization, string, error)
	// Between returns every agreement of the pair, whatever its status.
	Between(ctx context.Context, exporterID, brokerID string) ([]*Authorization, error)
	// Counterparties returns the organisations org has a pending or active agreement with, and
	// how much of each it may see (CounterpartiesOf).
	Counterparties(ctx context.Context, orgID string) ([]Counterparty, error)
}
