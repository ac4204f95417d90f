package app

import (
	"log/slog"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// Customs are the use cases of the customs single window: declarations drafted, submitted and
// sent, the receipts customs sends back and what follows from them, and clearance figures.
type Customs struct {
	declarations DeclarationStore
	parcels      ParcelStore
	orgs         party.OrgRepository
	tenancy      *Tenancy
	gateway      CustomsGateway
	messages     CustomsMessages
	settings     CustomsSettings
	printer      EntryDeclarationRenderer
	kept         KeptReceiptStore
	copNos       *copNoIssuer
	bookings     rail.BookingRepository
	departures   rail.DepartureRepository
	bonded       BondedStore // 1210 lists' bonded accounts; nil: no 1210 list can be drafted
	queue        Queue
	clock        Clock
	ids          IDs
	log          *slog.Logger
	relay        relay
	// filedUnder remembers which declaration a guid was filed under.
	filedUnder *boundedMap[string, string]
}

// CustomsPorts are what Customs run on.
type CustomsPorts struct {
	Basics
	Declarations DeclarationStore
	Parcels      ParcelStore
	Orgs         party.OrgRepository
	Tenancy      *Tenancy
	Gateway      CustomsGateway
	Messages     CustomsMessages
	Settings     CustomsSettings
	Printer      EntryDeclarationRenderer // prints entry declarations; nil: not printed
	KeptReceipts KeptReceiptStore         // keeps receipt bodies that could not be applied; nil: logged only
	// The train bookings an inventory list may name, for its exit office and transport.
	Bookings   rail.BookingRepository
	Departures rail.DepartureRepository
	Bonded     BondedStore // bonded accounts for 1210 lists (customs_bonded.go)
}

// NewCustoms returns the customs use cases.
func NewCustoms(p CustomsPorts) *Customs {
	b := p.Basics.withDefaults()
	return &Customs{declarations: p.Declarations, parcels: p.Parcels, orgs: p.Orgs, tenancy: p.Tenancy,
		gateway: p.Gateway, messages: p.Messages, settings: p.Settings, printer: p.Printer, kept: p.KeptReceipts,
		copNos: newCopNoIssuer(p.Settings.CopNode), bonded: p.Bonded, bookings: p.Bookings, departures: p.Departures,
		queue: b.Queue, clock: b.Clock,
		ids: b.IDs, log: b.Log, relay: relayOf(b),
		filedUnder: newBoundedMap[string, string](100_000)}
}

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

// requireFiler admits the organisations that file declarations — exporters for themselves,
// brokers for the exporters that authorised them — and refuses the operator, who reads every
// filing but files none, and any other kind.
func requireFiler(actor Actor) error {
	if actor.Kind != party.KindExporter && actor.Kind != party.KindBroker {
		return forbidden("filer_only", "declarations are filed by exporters and their brokers")
	}
	return nil
}

// requireAnyFiler admits every kind that files something — a declaration, or one of the three
// documents — for the calls that submit what its filer drafted (each declaration's filer is
// checked on its own); it refuses the operator, who files nothing.
func requireAnyFiler(actor Actor) error {
	if MayFileDocuments(actor) != nil {
		return forbidden("filer_only", "declarations and documents are filed by the firms they belong to and their brokers")
	}
	return nil
}

// errUnchanged aborts an update that would store nothing new.
var errUnchanged = domain.Errorf(domain.KindFailedPrecondition, "unchanged", "nothing to store")

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
