package app

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
	"github.com/silkgate/silkgate/domain/party"
	"github.com/silkgate/silkgate/domain/rail"
)

// Rail are the freight-train use cases: lines and the timetable, bookings that never oversell,
// containers through the customs gate, train movements, cancellations, consignment notes and
// utilisation figures.
type Rail struct {
	lines        rail.LineRepository
	departures   rail.DepartureRepository
	bookings     rail.BookingRepository
	parcels      parcel.Repository
	declarations customs.Repository // read: the customs gate and the notes' documents
	orgs         party.OrgRepository
	tenancy      *Tenancy
	notes        ConsignmentNoteRenderer
	filer        DepartureFiler
	exitCustoms  map[string]string // overrides of the exit offices' codes (rail.ExitOfficeAt)
	clock        Clock
	ids          IDs
	log          *slog.Logger
	relay        relay
	// requestTimeout is the longest a request may work; the outbox reactions leave what a
	// request may still be doing alone for longer than that.
	requestTimeout time.Duration
	departureLocks sync.Map // departure id → *sync.Mutex: promotions and admissions, one at a time
	admissions     admissions
}

// RailPorts are what Rail runs on.
type RailPorts struct {
	Basics
	Lines        rail.LineRepository
	Departures   rail.DepartureRepository
	Bookings     rail.BookingRepository
	Parcels      parcel.Repository
	Declarations customs.Repository
	Orgs         party.OrgRepository
	Tenancy      *Tenancy
	Notes        ConsignmentNoteRenderer
	// Filer files the customs departure documents (CEB509) of a train that left: Customs.
	Filer DepartureFiler
	// RequestTimeout is the longest any request may work (0: 30 s).
	RequestTimeout time.Duration
	// ExitCustoms overrides the exit offices' codes, as for Customs (CustomsSettings.ExitCustoms).
	ExitCustoms map[string]string
}

// NewRail returns the freight-train use cases.
func NewRail(p RailPorts) *Rail {
	b := p.Basics.withDefaults()
	if p.RequestTimeout <= 0 {
		p.RequestTimeout = 30 * time.Second
	}
	return &Rail{lines: p.Lines, departures: p.Departures, bookings: p.Bookings, parcels: p.Parcels,
		declarations: p.Declarations, orgs: p.Orgs, tenancy: p.Tenancy, notes: p.Notes, filer: p.Filer, exitCustoms: p.ExitCustoms,
		clock: b.Clock, ids: b.IDs, log: b.Log, relay: relayOf(b),
		requestTimeout: p.RequestTimeout}
}

// DepartureFiler files the customs departure documents (CEB509) of one exporter's parcels on a
// train that left; filing again for the same train, exporter and parcels changes nothing.
type DepartureFiler interface {
	FileDepartureDocuments(ctx context.Context, dep *rail.Departure, e rail.Event, exporterID string, parcelIDs []string) error
}

// ConsignmentNoteRenderer prints a CIM/SMGS-style consignment note (PDF).
type ConsignmentNoteRenderer interface {
	Render(ctx context.Context, n ConsignmentNote) ([]byte, error)
}

// NoteParty is a consignor or consignee as the consignment note names it.
type NoteParty struct {
	Name    string // as registered (often Chinese)
	NameEn  string // Latin name, when known
	Code    string // USCC or customs code, when known
	Address string
	Country string // ISO 3166 alpha-2
}

// NoteStation is a station or port on the note: location code and names.
type NoteStation struct {
	Code   string
	Name   string // Chinese
	NameEn string
}

// NoteContainer is one loaded container.
type NoteContainer struct {
	ContainerNo string
	Type        string
	SealNo      string
	GrossKg     int64   // as weighed at loading; 0 when not weighed separately
	ParcelsKg   float64 // the declared gross mass of the parcels inside, to the gram
	Parcels     int     // cross-border e-commerce parcels inside
}

// NoteGoods is one line of goods: description, HS code, packages and gross mass.
type NoteGoods struct {
	Description string
	HSCode      string
	Packages    int
	GrossKg     float64
}

// NoteDocument is a document attached to the note: a customs declaration or inventory list.
type NoteDocument struct {
	Kind   string // "inventory list (CEB603)", "customs declaration", ...
	ID     string // the service's declaration id
	Number string // customs' number (invtNo, entryId), when given
	Status string
}

// ConsignmentNote is everything a CIM/SMGS consignment note for one booking shows.
type ConsignmentNote struct {
	Number       string // the note's number
	IssuedAt     time.Time
	BookingID    string
	DepartureID  string
	LineCode     string
	LineName     string
	LineNameEn   string
	Mode         string // rail | rail-sea
	DepartsAt    time.Time
	ETA          time.Time
	Consignor    NoteParty
	Consignee    NoteParty
	From         NoteStation   // departure station
	Border       *NoteStation  // border crossing (rail lines)
	Transship    *NoteStation  // sea port (rail–sea lines)
	To           NoteStation   // destination station or port
	Itinerary    []NoteStation // every stop, in order
	Containers   []NoteContainer
	Goods        []NoteGoods // the note's goods totals are their sums
	Declarations []NoteDocument
	Charges      string

	// DeclaredGrossKg is the gross mass the booking declares for its cargo, printed beside
	// the goods loaded.
	DeclaredGrossKg int64
}
