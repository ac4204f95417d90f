package parcel

import (
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// YardArrival is a parcel's arrival at the supervised site (监管场所) in the zone's rail yard: when
// the yard received it and on which vehicle, the arrival document (运抵单, CEB507) that told
// customs, and whether customs has it on file. Customs lets goods onto a train only when they
// were released and their arrival is on file.
type YardArrival struct {
	ReceivedAt     time.Time `json:"receivedAt"`
	ReceivedBy     string    `json:"receivedBy"`
	DomesticTrafNo string    `json:"domesticTrafNo"` // the vehicle that brought it (a plate number)
	DeclarationID  string    `json:"declarationId,omitempty"`
	AcceptedAt     time.Time `json:"acceptedAt,omitzero"` // customs accepted the arrival document
}

func (y *YardArrival) clone() *YardArrival {
	if y == nil {
		return nil
	}
	c := *y
	return &c
}

// Timeline types of the yard.
const (
	EventReceived        = "parcel.received"         // the yard received it
	EventArrivalAccepted = "parcel.arrival_accepted" // customs has its arrival (运抵) on file
)

// MaxDomesticTrafNo is the longest vehicle number CEB507 takes (domesticTrafNo).
const MaxDomesticTrafNo = 100

// ErrAlreadyReceived is ReceiveAtYard's answer for a parcel the yard received before.
var ErrAlreadyReceived = domain.Errorf(domain.KindFailedPrecondition, "already_received", "the yard received this parcel before")

// Receivable tells whether the yard may receive the parcel: declared to customs and not refused
// (declared, accepted, inspection, released) and not received before (ErrAlreadyReceived); any
// other state is an illegal_transition.
func (p *Parcel) Receivable() error {
	if p.yard != nil {
		return ErrAlreadyReceived
	}
	switch p.status {
	case StatusDeclared, StatusAccepted, StatusInspection, StatusReleased:
		return nil
	}
	return &domain.Error{Kind: domain.KindFailedPrecondition, Code: domain.CodeIllegalTransition,
		Message: "a " + string(p.status) + " parcel is not received at the yard: only goods declared to customs are"}
}

// ReceiveAtYard records that the zone's yard received the parcel, brought by vehicle, before it
// is loaded (Receivable says when it may).
func (p *Parcel) ReceiveAtYard(at time.Time, actor, vehicle string) error {
	vehicle = strings.TrimSpace(vehicle)
	var v domain.Violations
	v.CheckText("domesticTrafNo", vehicle, true, MaxDomesticTrafNo)
	if err := v.Err(); err != nil {
		return err
	}
	if err := p.Receivable(); err != nil {
		return err
	}
	p.yard = &YardArrival{ReceivedAt: at.UTC(), ReceivedBy: actor, DomesticTrafNo: vehicle}
	p.addEvent(at, actor, EventReceived, "received at the supervised site from "+vehicle,
		map[string]any{"domesticTrafNo": vehicle})
	return nil
}

// ArrivalFiled records the arrival document that tells customs of the parcel's arrival; the same
// again changes nothing.
func (p *Parcel) ArrivalFiled(declarationID string) {
	if p.yard != nil && p.yard.DeclarationID == "" {
		p.yard.DeclarationID = declarationID
	}
}

// ArrivalAccepted records that customs accepted the arrival document declarationID; once.
func (p *Parcel) ArrivalAccepted(at time.Time, declarationID string) {
	if p.yard == nil || !p.yard.AcceptedAt.IsZero() {
		return
	}
	p.yard.DeclarationID = declarationID
	p.yard.AcceptedAt = at.UTC()
	p.addEvent(at, "customs", EventArrivalAccepted, "arrival (运抵) on file with customs: "+declarationID,
		map[string]any{"declarationId": declarationID})
}

// Yard is the parcel's arrival at the supervised site, if it arrived (a copy).
func (p *Parcel) Yard() (YardArrival, bool) {
	if p.yard == nil {
		return YardArrival{}, false
	}
	return *p.yard, true
}

// ArrivedAtYard reports whether customs has the parcel's arrival at the supervised site on file.
func (p *Parcel) ArrivedAtYard() bool { return p.yard != nil && !p.yard.AcceptedAt.IsZero() }
