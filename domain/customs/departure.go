package customs

import (
	"crypto/sha1"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Departure document limits (CEB509, 2022-05 schema).
const (
	MaxDepartureHeads    = 100 // Departure blocks in one CEB509 message: one per logistics enterprise
	MaxDepartureID       = 64  // our id of the train departure
	MaxDepartureTrafName = 100 // trafName
	MaxVoyageNo          = 32  // voyageNo
	MaxDepartureBillNo   = 37  // billNo
	MaxDepartureNote     = 1000
)

// Departure is a CEB509 departure document (离境单): the waybills of one exporter's parcels
// that left on one conveyance. The message carries one head per logistics enterprise (Heads);
// the declaration's guid and copNo are those of the first head, the other heads get their own
// (DepartureHeadGUID, DepartureHeadCopNo).
type Departure struct {
	DepartureID string             `json:"departureId"`         // the train departure (rail) id in this service
	CustomsCode string             `json:"customsCode"`         // exit customs district, 4 digits
	TrafMode    string             `json:"trafMode"`            // JGS-20 transport mode; "3" railway (the default)
	TrafName    string             `json:"trafName,omitempty"`  // conveyance name, e.g. the train line's name
	VoyageNo    string             `json:"voyageNo,omitempty"`  // train / voyage number
	BillNo      string             `json:"billNo,omitempty"`    // consignment note (bill) number
	LeaveTime   time.Time          `json:"leaveTime"`           // when the conveyance left (UTC, whole seconds)
	AgentCode   string             `json:"agentCode,omitempty"` // the firm transmitting the message; default the first logistics enterprise
	AgentName   string             `json:"agentName,omitempty"` //
	Note        string             `json:"note,omitempty"`      //
	Waybills    []DepartureWaybill `json:"waybills"`            // grouped into one head per logistics enterprise (Heads)
}

// DepartureWaybill is one parcel's waybill on the departing conveyance.
type DepartureWaybill struct {
	LogisticsCode string `json:"logisticsCode"`         // the carrier: a customs code or USCC
	LogisticsName string `json:"logisticsName"`         //
	LogisticsNo   string `json:"logisticsNo"`           // the waybill number (CEB505 / CEB603 logisticsNo)
	ParcelID      string `json:"parcelId"`              // the parcel in this service
	InventoryID   string `json:"inventoryId,omitempty"` // its inventory list declaration, when known
}

// DepartureHead is one head of the CEB509 message: one logistics enterprise's waybills, in the
// order they appear in the departure.
type DepartureHead struct {
	LogisticsCode string
	LogisticsName string
	Waybills      []DepartureWaybill
}

// DepartureInput is what the app passes to file a departure document: who files, for which
// exporter, the trade mode of the parcels (9610 or 1210: a departure document files one mode),
// and the departure.
type DepartureInput struct {
	FilerID    string
	ExporterID string
	TradeMode  string
	Departure
}

func (dep Departure) clone() Departure {
	c := dep
	c.Waybills = slices.Clone(dep.Waybills)
	return c
}

// Heads groups the waybills into the message's heads: one per logistics enterprise, in the
// order each enterprise first appears; within a head the waybills keep their order. The
// enterprise's name is that of its first waybill (ValidateDeparture refuses different names).
func (dep Departure) Heads() []DepartureHead {
	var heads []DepartureHead
	at := map[string]int{}
	for _, w := range dep.Waybills {
		i, ok := at[w.LogisticsCode]
		if !ok {
			i = len(heads)
			at[w.LogisticsCode] = i
			heads = append(heads, DepartureHead{LogisticsCode: w.LogisticsCode, LogisticsName: w.LogisticsName})
		}
		heads[i].Waybills = append(heads[i].Waybills, w)
	}
	return heads
}

// ParcelIDs are the parcels of the departure, in order.
func (dep Departure) ParcelIDs() []string {
	out := make([]string, len(dep.Waybills))
	for i, w := range dep.Waybills {
		out[i] = w.ParcelID
	}
	return out
}

// DepartureHeadGUID is the guid of head i (from 0) of a departure document filed under guid:
// guid itself for the first head, and for the others a guid derived from it (a name-based
// UUID, version 5 layout, upper case), so that the heads' guids need no storage of their own
// and anyone holding the filing guid — the message builder, the store mapping guids to
// declarations, the declaration matching a receipt — computes the same ones.
func DepartureHeadGUID(guid string, i int) string {
	if i <= 0 {
		return guid
	}
	sum := sha1.Sum([]byte("silkgate:CEB509:head:" + strings.ToUpper(guid) + ":" + strconv.Itoa(i)))
	b := sum[:16]
	b[6] = b[6]&0x0f | 0x50
	b[8] = b[8]&0x3f | 0x80
	h := strings.ToUpper(hex.EncodeToString(b))
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// DepartureHeadCopNo is the copNo of head i (from 0) of a departure document filed with copNo:
// copNo itself for the first head, copNo + "-" + (i+1) for the others. When that would pass 30
// characters, the copNo's first characters give way: its distinctive end (FormatCopNo's time
// and sequence) is kept.
func DepartureHeadCopNo(copNo string, i int) string {
	if i <= 0 {
		return copNo
	}
	sfx := "-" + strconv.Itoa(i+1)
	if keep := MaxCopNo - len(sfx); len(copNo) > keep {
		copNo = copNo[len(copNo)-keep:]
	}
	return copNo + sfx
}

// departureHeadGUIDs are the head guids of a departure of n heads filed under guid.
func departureHeadGUIDs(guid string, n int) []string {
	out := make([]string, max(n, 1))
	for i := range out {
		out[i] = DepartureHeadGUID(guid, i)
	}
	return out
}

// ValidateDeparture checks a departure input completely and returns the normalised content.
// Every problem comes back at once in one Invalid error with JSON paths ("waybills[2].logisticsNo",
// "customsCode"). Lengths are the CEB509 schema's (2022-05).
//
// Codes: required, too_long, invalid_trade_mode, invalid_customs_district, invalid_traf_mode,
// invalid_party_code / invalid_uscc / invalid_customs_code, invalid_format (a logisticsNo with
// other characters than letters, digits, '-' and '_'), duplicate (a logisticsNo twice for one
// logistics enterprise, a parcel twice), inconsistent_name (one logistics code, two names),
// too_many (more than MaxDepartureHeads logistics enterprises).
func ValidateDeparture(in DepartureInput) (Departure, error) {
	var v domain.Violations
	checkText(&v, "exporterId", strings.TrimSpace(in.ExporterID), true, parcel.MaxExporterID)
	switch tm := strings.TrimSpace(in.TradeMode); tm {
	case "":
		v.Add("tradeMode", "required", "tradeMode is required")
	case parcel.TradeMode9610, parcel.TradeMode1210:
	default:
		v.Add("tradeMode", "invalid_trade_mode", `a departure document files "9610" or "1210" parcels`)
	}
	dep := in.Departure
	out := Departure{
		DepartureID: strings.TrimSpace(dep.DepartureID),
		CustomsCode: strings.TrimSpace(dep.CustomsCode),
		TrafMode:    strings.TrimSpace(dep.TrafMode),
		TrafName:    strings.TrimSpace(dep.TrafName),
		VoyageNo:    strings.TrimSpace(dep.VoyageNo),
		BillNo:      strings.TrimSpace(dep.BillNo),
		LeaveTime:   dep.LeaveTime.UTC().Truncate(time.Second),
		AgentCode:   upper(dep.AgentCode),
		AgentName:   strings.TrimSpace(dep.AgentName),
		Note:        strings.TrimSpace(dep.Note),
	}
	checkText(&v, "departureId", out.DepartureID, true, MaxDepartureID)
	checkDistrict(&v, "customsCode", out.CustomsCode)
	checkTrafMode(&v, &out.TrafMode)
	checkText(&v, "trafName", out.TrafName, false, MaxDepartureTrafName)
	checkText(&v, "voyageNo", out.VoyageNo, false, MaxVoyageNo)
	checkText(&v, "billNo", out.BillNo, false, MaxDepartureBillNo)
	if dep.LeaveTime.IsZero() {
		v.Add("leaveTime", "required", "leaveTime is required")
	}
	if out.AgentCode != "" || out.AgentName != "" {
		checkPartyCode(&v, "agentCode", out.AgentCode, true)
		checkText(&v, "agentName", out.AgentName, true, MaxPartyName)
	}
	checkText(&v, "note", out.Note, false, MaxDepartureNote)

	if len(dep.Waybills) == 0 {
		v.Add("waybills", "required", "a departure document names at least one waybill")
	}
	names := map[string]string{}   // logisticsCode → name
	numbers := map[string]string{} // logisticsCode:logisticsNo → path
	parcels := map[string]string{} // parcelId → path
	out.Waybills = make([]DepartureWaybill, len(dep.Waybills))
	for i, w := range dep.Waybills {
		p := index("waybills", i)
		w = DepartureWaybill{
			LogisticsCode: upper(w.LogisticsCode), LogisticsName: strings.TrimSpace(w.LogisticsName),
			LogisticsNo: strings.TrimSpace(w.LogisticsNo), ParcelID: strings.TrimSpace(w.ParcelID),
			InventoryID: strings.TrimSpace(w.InventoryID),
		}
		out.Waybills[i] = w
		checkPartyCode(&v, p+".logisticsCode", w.LogisticsCode, true)
		if checkText(&v, p+".logisticsName", w.LogisticsName, true, MaxPartyName) && w.LogisticsCode != "" {
			if name, ok := names[w.LogisticsCode]; !ok {
				names[w.LogisticsCode] = w.LogisticsName
			} else if name != w.LogisticsName {
				v.Add(p+".logisticsName", "inconsistent_name",
					"logistics enterprise "+w.LogisticsCode+" is named "+quote(name)+" on an earlier waybill")
			}
		}
		if checkText(&v, p+".logisticsNo", w.LogisticsNo, true, parcel.MaxLogisticsNo) {
			if !parcel.WaybillChars(w.LogisticsNo) {
				v.Add(p+".logisticsNo", "invalid_format", "logisticsNo has letters, digits, '-' and '_' only")
			} else if first, dup := numbers[parcel.Key(w.LogisticsCode, w.LogisticsNo)]; dup {
				v.Add(p+".logisticsNo", "duplicate", "waybill "+w.LogisticsNo+" of "+w.LogisticsCode+" is named at "+first+" already")
			} else {
				numbers[parcel.Key(w.LogisticsCode, w.LogisticsNo)] = p
			}
		}
		if checkText(&v, p+".parcelId", w.ParcelID, true, 64) {
			if first, dup := parcels[w.ParcelID]; dup {
				v.Add(p+".parcelId", "duplicate", "parcel "+w.ParcelID+" is named at "+first+" already")
			} else {
				parcels[w.ParcelID] = p
			}
		}
		checkText(&v, p+".inventoryId", w.InventoryID, false, 64)
	}
	if n := len(out.Heads()); n > MaxDepartureHeads {
		v.Add("waybills", "too_many", "one departure document carries the waybills of at most "+
			itoa(MaxDepartureHeads)+" logistics enterprises, got "+itoa(n))
	}
	if err := v.Err(); err != nil {
		return Departure{}, err
	}
	return out, nil
}

// NewDeparture makes a draft departure document after checking the input completely
// (ValidateDeparture). id is the new declaration's id, at the time, actor who made it.
func NewDeparture(id string, in DepartureInput, at time.Time, actor string) (*Declaration, error) {
	dep, err := ValidateDeparture(in)
	if err != nil {
		return nil, err
	}
	d, err := newDeclaration(id, KindDeparture, strings.TrimSpace(in.TradeMode), in.FilerID, in.ExporterID, at)
	if err != nil {
		return nil, err
	}
	d.departure = &dep
	heads := len(dep.Heads())
	d.addEvent(at, actor, EventCreated, "departure document drafted for departure "+dep.DepartureID+": "+
		itoa(len(dep.Waybills))+" waybills of "+itoa(heads)+" logistics enterprises",
		map[string]any{"waybills": len(dep.Waybills), "heads": heads})
	return d, nil
}

// Departure is a departure document's content (a copy); false for the other kinds.
func (d *Declaration) Departure() (Departure, bool) {
	if d.departure == nil {
		return Departure{}, false
	}
	return d.departure.clone(), true
}

// HeadGUIDs are the guids of the current filing's message heads, first the filing's own guid
// (GUID): for a departure document one per logistics enterprise (DepartureHeadGUID), for the
// other kinds just GUID. Nil before Submit.
func (d *Declaration) HeadGUIDs() []string {
	if d.guid == "" {
		return nil
	}
	return d.headGUIDsOf(d.guid)
}

func (d *Declaration) headGUIDsOf(guid string) []string {
	if d.kind != KindDeparture || d.departure == nil {
		return []string{guid}
	}
	return departureHeadGUIDs(guid, len(d.departure.Heads()))
}

// departureStatus is where a departure document of several heads stands once rec is kept with
// the other receipts: each head's own status is folded from the current filing's receipts for
// its guid (in returnTime order, moving only as CanMove allows); a failure of any head
// (rejected, error, send_failed — the highest-ranked one) is the document's, and
// otherwise the document is as far as its slowest head.
func (d *Declaration) departureStatus(rec ReceiptRecord) (status Status, head Status) {
	heads := d.HeadGUIDs()
	per := make(map[string]Status, len(heads))
	for _, g := range heads {
		per[g] = StatusSubmitted
	}
	for _, rr := range insertSorted(slices.Clone(d.receipts), rec) {
		s, ok := per[rr.GUID]
		if !ok || rr.Status == "" {
			continue
		}
		if CanMove(s, rr.Status) {
			per[rr.GUID] = rr.Status
		}
	}
	var failed, slowest Status
	for _, g := range heads {
		s := per[g]
		switch s {
		case StatusRejected, StatusError, StatusSendFailed:
			if failed == "" || s.Rank() > failed.Rank() {
				failed = s
			}
		}
		if slowest == "" || s.Rank() < slowest.Rank() {
			slowest = s
		}
	}
	if failed != "" {
		return failed, per[rec.GUID]
	}
	return slowest, per[rec.GUID]
}

// AwaitingCustoms reports whether the declaration was submitted and customs' next answer is
// still to come on the normal path, so that a silent filing is worth sending again: not a
// draft, not final, not released, not resubmittable (that calls for a new filing, not a
// repeat), not a departure document customs accepted (120 is the last answer a departure
// gets), and not a cancellation customs approved (CancelApproved).
func (d *Declaration) AwaitingCustoms() bool {
	switch {
	case d.guid == "", d.status == StatusDraft, d.status.Final(), d.Released(), d.status.Resubmittable():
		return false
	case (d.kind == KindDeparture || d.kind == KindArrival) && d.status.Rank() >= StatusAccepted.Rank():
		return false
	case d.DocumentMatched(): // customs has the document: nothing more is owed
		return false
	case d.kind == KindSummary && d.decTmpNo != "" && !d.status.Final():
		// Customs generated the declaration; the next step is the broker's (declaring it),
		// and what customs answers then answers that declaration's filing.
		return false
	case d.CancelApproved():
		return false
	}
	return true
}
