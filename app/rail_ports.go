package app

import (
	"context"
	"time"

	"github.com/silkgate/silkgate/domain/rail"
)

// RailStore is what the freight-train use cases need of storage: the domain's repositories.
type RailStore struct {
	Lines      rail.LineRepository
	Departures rail.DepartureRepository
	Bookings   rail.BookingRepository
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
	GrossKg     int64 // 0 when not weighed separately
	Parcels     int   // cross-border e-commerce parcels inside
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
	Goods        []NoteGoods
	Packages     int
	GrossKg      int64
	Declarations []NoteDocument
	Charges      string
}
