package customs

import (
	"slices"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
)

// KindArrival is the arrival document (运抵单, CEB507): goods of one carrier arrived at the
// supervised site (监管场所) of the zone's rail yard, filed in the carrier's name. Customs lets
// goods leave only when their arrival is on file.
const KindArrival Kind = "arrival"

// MessageArrivalReceipt answers CEB507; 399 (审结) is its last answer.
const MessageArrivalReceipt = "CEB508"

// MaxArrivalWaybills bounds the waybills of one arrival document.
const MaxArrivalWaybills = 1000

// ArrivalWaybill is one parcel's waybill on an arrival document.
type ArrivalWaybill struct {
	LogisticsNo string `json:"logisticsNo"`
	ParcelID    string `json:"parcelId"`
}

// Arrival is an arrival document's content: where (the declaring district, the site's operator
// and site code), how (transport mode, the vehicle that brought the goods), whose (the carrier)
// and which waybills.
type Arrival struct {
	CustomsCode    string           `json:"customsCode"`
	OperatorCode   string           `json:"operatorCode"` // the supervised site's operator (监管场所经营人)
	OperatorName   string           `json:"operatorName"`
	LoctNo         string           `json:"loctNo,omitempty"` // the supervised site's code, where the district has several
	TrafMode       string           `json:"trafMode"`         // how the goods came to the site (JGS-20)
	DomesticTrafNo string           `json:"domesticTrafNo"`   // the vehicle
	LogisticsCode  string           `json:"logisticsCode"`
	LogisticsName  string           `json:"logisticsName"`
	ReceivedAt     time.Time        `json:"receivedAt"`
	Waybills       []ArrivalWaybill `json:"waybills"`
}

// NewArrival makes a draft arrival document after checking its content completely.
func NewArrival(id, filerID, exporterID, tradeMode string, a Arrival, at time.Time, actor string) (*Declaration, error) {
	var v domain.Violations
	for _, f := range []struct{ field, val string }{{"customsCode", a.CustomsCode}, {"operatorCode", a.OperatorCode},
		{"operatorName", a.OperatorName}, {"domesticTrafNo", a.DomesticTrafNo}, {"logisticsCode", a.LogisticsCode},
		{"logisticsName", a.LogisticsName}} {
		if strings.TrimSpace(f.val) == "" {
			v.Add(f.field, "required", f.field+" is required")
		}
	}
	if a.TrafMode == "" {
		a.TrafMode = "4" // brought to the yard by road
	}
	if !slices.Contains(TrafModes, a.TrafMode) {
		v.Add("trafMode", "invalid_traf_mode", "trafMode is a JGS-20 transport mode")
	}
	if n := len(a.Waybills); n == 0 || n > MaxArrivalWaybills {
		v.Add("waybills", "invalid_batch_size", "an arrival document names 1 to 1000 waybills")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d, err := newDeclaration(id, KindArrival, tradeMode, filerID, exporterID, at)
	if err != nil {
		return nil, err
	}
	a.Waybills = slices.Clone(a.Waybills)
	d.arrival = &a
	d.addEvent(at, actor, EventCreated, "arrival at the supervised site of "+itoa(len(a.Waybills))+" waybills of "+a.LogisticsCode, nil)
	return d, nil
}

// Arrival is an arrival document's content (a copy); false for the other kinds.
func (d *Declaration) Arrival() (Arrival, bool) {
	if d.arrival == nil {
		return Arrival{}, false
	}
	a := *d.arrival
	a.Waybills = slices.Clone(a.Waybills)
	return a, true
}

// ArrivalOnFile reports whether customs has an arrival document on file: accepted (120) or
// reviewed (399), not refused.
func (d *Declaration) ArrivalOnFile() bool {
	return d.kind == KindArrival && d.status.Rank() >= StatusAccepted.Rank() &&
		d.status != StatusRejected && d.status != StatusCancelled
}

func cloneArrival(a *Arrival) *Arrival {
	if a == nil {
		return nil
	}
	c := *a
	c.Waybills = slices.Clone(a.Waybills)
	return &c
}
