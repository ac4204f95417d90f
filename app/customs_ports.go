package app

import (
	"context"
	"time"

	"github.com/silkgate/silkgate/domain/customs"
	"github.com/silkgate/silkgate/domain/parcel"
)

// OutgoingMessage is one message for the Single Window: the exact bytes the declaration keeps
// as "what was sent".
type OutgoingMessage struct {
	DeclarationID string
	GUID          string
	Type          string // "CEB603", "CEB605", "CEB701", "CEB509", "DEC"
	XML           []byte
}

// CustomsGateway hands messages to customs. Answers come back later, asynchronously, as
// receipt documents enqueued as TaskCustomsReceipts tasks (or posted to the receipts endpoint).
// Sending the same message (same guid) twice must be harmless. A batch is sent in one call.
type CustomsGateway interface {
	Send(ctx context.Context, ms ...OutgoingMessage) error
}

// Task types of the customs exchange.
const (
	TaskCustomsSend     = "customs:send"     // payload: a declaration id
	TaskCustomsReceipts = "customs:receipts" // payload: one or more receipt XML documents
)

// messageType is the Single Window message that files a declaration of kind k.
func messageType(k customs.Kind) string {
	switch k {
	case customs.KindInventory:
		return "CEB603"
	case customs.KindCancel:
		return "CEB605"
	case customs.KindSummary:
		return "CEB701"
	case customs.KindDeparture:
		return "CEB509"
	case customs.KindOrder:
		return "CEB303"
	case customs.KindPayment:
		return "CEB403"
	case customs.KindWaybill:
		return "CEB505"
	case customs.KindArrival:
		return "CEB507"
	}
	return "DEC"
}

// EntryDeclarationRenderer prints an entry declaration (报关单) as a PDF.
type EntryDeclarationRenderer interface {
	Render(ctx context.Context, d *customs.Declaration) ([]byte, error)
}

// Filing is what identifies one submission of a declaration to customs.
type Filing struct {
	GUID  string
	CopNo string
	At    time.Time
}

// CustomsMessages is the Single Window codec: it writes a declaration's message and reads
// receipt documents.
type CustomsMessages interface {
	Build(d *customs.Declaration, f Filing) (OutgoingMessage, error)
	// DecodeReceipts reads a body of one or more receipt documents; a malformed one is an
	// Invalid error naming the document and element.
	DecodeReceipts(body []byte) ([]customs.Receipt, error)
}

// DeclarationStore is the declaration repository with the bulk and reconciliation queries the
// use cases need besides the domain's port.
type DeclarationStore interface {
	customs.Repository
	// UpdateMany is Update for many declarations: one read each, the writes in bulk. A
	// declaration change refuses, or that is missing, comes back with its error, unwritten.
	UpdateMany(ctx context.Context, ids []string, change func(*customs.Declaration) error) ([]Updated[*customs.Declaration], error)
	// CreateMany stores drafts in one bulk write; existing[i] reports that ds[i]'s id existed.
	CreateMany(ctx context.Context, ds []*customs.Declaration) (existing []bool, err error)
	// Unfinished lists submitted declarations, not yet released or final, neither changed nor
	// sent since before.
	Unfinished(ctx context.Context, before time.Time, limit int) ([]*customs.Declaration, error)
	// ClearanceTimes returns how long each inventory list released in [from, to) (a zero bound:
	// open) took from its submission to its release, of the given exporters (nil: all) and
	// trade mode (""; all), reading only those lists and only those two times.
	ClearanceTimes(ctx context.Context, f ClearanceFilter) ([]time.Duration, error)
	// MarkSent records when a declaration's message was last handed to the gateway, so that the
	// reconciler re-sends a silent filing once per period rather than at every run.
	MarkSent(ctx context.Context, id string, at time.Time) error
	// DoneWaiting records that customs owes a declaration Unfinished returned nothing more, so
	// that the reconciler stops looking at it.
	DoneWaiting(ctx context.Context, id string) error
}

// ParcelStore is the parcel repository with the bulk update the customs pipeline moves
// parcels with.
type ParcelStore interface {
	parcel.Repository
	// UpdateMany is Update for many parcels (see DeclarationStore.UpdateMany).
	UpdateMany(ctx context.Context, ids []string, change func(*parcel.Parcel) error) ([]Updated[*parcel.Parcel], error)
}

// ClearanceFilter selects the inventory lists of a clearance statistic.
type ClearanceFilter struct {
	ExporterIDs []string // nil: every exporter
	TradeMode   string
	From, To    time.Time // releasedAt in [From, To); zero: open
}

// CustomsSettings are the facts of the zone's customs set-up.
type CustomsSettings struct {
	District string // declaring customs district (4 digits)
	// PortCode is the exit customs district (4 digits) of a list that names no train booking;
	// a list that names one takes its train's exit office (rail.Departure.Exit).
	PortCode string
	// ExitCustoms overrides the district codes of the exit offices (location → code), for the
	// codes the seed table marks unconfirmed (rail.ExitOfficeAt).
	ExitCustoms map[string]string
	CopPrefix   string // prefix of the copNos this service gives its messages
	// CopNode is this process's node in its copNos (customs.CopNoNode of a number claimed from
	// the store at start); empty: drawn at random (use cases built without a store's number).
	CopNode     string
	ResendAfter time.Duration // a submitted declaration without progress for this long is sent again
	// The supervised site (监管场所) in the zone's rail yard, which arrival documents name: its
	// operator's customs code and name and the site's code. Without an operator code the
	// carrier stands for it, as the specification allows for mail.
	SiteOperatorCode string
	SiteOperatorName string
	SiteLoctNo       string
}
