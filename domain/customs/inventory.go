package customs

import (
	"slices"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Inventory list constants (CEB603).
const (
	StatisticsSimplified = "A" // 简化申报: no summary
	StatisticsSummarised = "B" // 汇总申报: summarised monthly (CEB701); the default
	TrafModeRailway      = "3" // China–Europe trains; the default transport mode
)

// TrafModes are the JGS-20 transport modes a declaration may name: 2 waterway, 3 railway,
// 4 road, 5 air, 6 mail, 7 bonded area, 9 other.
var TrafModes = []string{"2", "3", "4", "5", "6", "7", "9"}

// FilingParties are the parties an inventory list names besides the parcel's own (platform and
// carrier codes are in the parcel). Codes are 10-character customs codes or USCCs.
type FilingParties struct {
	AgentCode     string `json:"agentCode"`               // the declarant: the broker, or the exporter itself
	AgentName     string `json:"agentName"`               //
	EbcCode       string `json:"ebcCode"`                 // the seller: the exporter
	EbcName       string `json:"ebcName"`                 //
	EbpCode       string `json:"ebpCode,omitempty"`       // the platform; default the parcel's, else the seller
	EbpName       string `json:"ebpName,omitempty"`       //
	OwnerCode     string `json:"ownerCode,omitempty"`     // the producer; default the seller
	OwnerName     string `json:"ownerName,omitempty"`     //
	IacCode       string `json:"iacCode,omitempty"`       // 1210 only: the bonded-zone warehouse firm
	IacName       string `json:"iacName,omitempty"`       //
	LogisticsName string `json:"logisticsName,omitempty"` // the carrier's name (its code is the parcel's)
	PayCode       string `json:"payCode,omitempty"`       // the payment firm (payment receipt); default the seller
	PayName       string `json:"payName,omitempty"`       //
}

// InventoryInput is what the app passes to file a parcel's inventory list: who files, for which
// exporter, the parcel's checked fields as they are now, and the filing facts.
type InventoryInput struct {
	FilerID        string
	ExporterID     string
	ParcelID       string
	Parcel         parcel.Fields
	Parties        FilingParties
	CustomsCode    string // the declaring district, 4 digits
	PortCode       string // the exit district, 4 digits
	StatisticsFlag string // "A" or "B"; default "B"
	TrafMode       string // JGS-20; default "3"
	Transport      Transport
}

// Transport is how a list's goods leave China when the list names the train booking they travel
// on: the train's name and number, and the country where the train is unloaded (运抵国, ISO
// alpha-2; empty when that is in China, a rail–sea line whose ship leg is not known). The exit
// office and mode (PortCode, TrafMode) come from the same booking.
type Transport struct {
	BookingID      string `json:"bookingId,omitempty"`
	TrafName       string `json:"trafName,omitempty"`
	VoyageNo       string `json:"voyageNo,omitempty"`
	ArrivalCountry string `json:"arrivalCountry,omitempty"`
}

// MaxInventoryTrafName is the CEB603 trafName limit (the entry declaration's is MaxTrafName).
const MaxInventoryTrafName = 100

// Inventory is the checked content of an inventory list (申报清单, CEB603): a snapshot of the
// parcel at filing time plus the filing parties and facts.
type Inventory struct {
	ParcelID       string        `json:"parcelId"`
	Parcel         parcel.Fields `json:"parcel"`
	Parties        FilingParties `json:"parties"`
	CustomsCode    string        `json:"customsCode"`
	PortCode       string        `json:"portCode"`
	StatisticsFlag string        `json:"statisticsFlag"`
	TrafMode       string        `json:"trafMode"`
	Transport      Transport     `json:"transport,omitzero"`
	// Legal are the lines' quantities in their legal units, one per item (LegalQuantities). A
	// list drafted before they were worked out has none; LegalQuantities gives them then.
	Legal []LegalQuantity `json:"legal,omitempty"`
}

func (in Inventory) clone() Inventory {
	c := in
	c.Parcel.Items = slices.Clone(in.Parcel.Items)
	c.Legal = slices.Clone(in.Legal)
	return c
}

// LegalQuantities are the lines' quantities in their legal units: as worked out when the list
// was drafted, or — for a list drafted before that — worked out now.
func (in Inventory) LegalQuantities() ([]LegalQuantity, error) {
	if len(in.Legal) == len(in.Parcel.Items) {
		return slices.Clone(in.Legal), nil
	}
	return LegalQuantities(in.Parcel)
}

// ValidateInventory checks an inventory input completely and returns the normalised content.
// Every problem comes back at once in one Invalid error with JSON paths ("parcel.items[0].gcode",
// "parties.agentCode", "customsCode"). The parcel's fields are checked again with
// parcel.Validate (rules may have changed since it was registered).
//
// Codes: required, too_long, invalid_party_code / invalid_uscc / invalid_customs_code,
// invalid_customs_district, invalid_statistics_flag, invalid_traf_mode, not_applicable (iac on a
// 9610 list), exporter_mismatch, parcel.Validate's, and LegalQuantities' legal_unit_unknown and
// legal_unit_unconvertible ("parcel.items[0].unit").
func ValidateInventory(in InventoryInput) (Inventory, error) {
	var v domain.Violations
	out := Inventory{
		ParcelID:       strings.TrimSpace(in.ParcelID),
		CustomsCode:    strings.TrimSpace(in.CustomsCode),
		PortCode:       strings.TrimSpace(in.PortCode),
		StatisticsFlag: upper(in.StatisticsFlag),
		TrafMode:       strings.TrimSpace(in.TrafMode),
		Transport: Transport{BookingID: strings.TrimSpace(in.Transport.BookingID), TrafName: strings.TrimSpace(in.Transport.TrafName),
			VoyageNo: strings.TrimSpace(in.Transport.VoyageNo), ArrivalCountry: upper(in.Transport.ArrivalCountry)},
	}
	checkText(&v, "parcelId", out.ParcelID, true, 64)
	exporterID := strings.TrimSpace(in.ExporterID)
	checkText(&v, "exporterId", exporterID, true, parcel.MaxExporterID)

	f, err := parcel.Validate(in.Parcel.Draft())
	if err != nil {
		v.AddError("parcel", err)
		f = in.Parcel
	} else if out.Legal, err = LegalQuantities(f); err != nil {
		v.AddError("parcel", err)
	}
	out.Parcel = f
	if exporterID != "" && f.ExporterID != "" && exporterID != f.ExporterID {
		v.Add("exporterId", "exporter_mismatch", "the parcel belongs to another exporter")
	}
	bonded := f.TradeMode == parcel.TradeMode1210

	p := in.Parties
	out.Parties = FilingParties{
		AgentCode: upper(p.AgentCode), AgentName: strings.TrimSpace(p.AgentName),
		EbcCode: upper(p.EbcCode), EbcName: strings.TrimSpace(p.EbcName),
		EbpCode: upper(p.EbpCode), EbpName: strings.TrimSpace(p.EbpName),
		OwnerCode: upper(p.OwnerCode), OwnerName: strings.TrimSpace(p.OwnerName),
		IacCode: upper(p.IacCode), IacName: strings.TrimSpace(p.IacName),
		LogisticsName: strings.TrimSpace(p.LogisticsName),
	}
	q := &out.Parties
	checkPartyCode(&v, "parties.agentCode", q.AgentCode, true)
	checkText(&v, "parties.agentName", q.AgentName, true, MaxPartyName)
	checkPartyCode(&v, "parties.ebcCode", q.EbcCode, true)
	checkText(&v, "parties.ebcName", q.EbcName, true, MaxPartyName)
	// The schema wants a platform: by default the parcel's, and a parcel sold on the exporter's
	// own site names the seller. The producer is by default the seller. Defaults copied from a
	// field checked elsewhere are not checked (and reported) twice.
	// A foreign platform without a code is "无" and a producer not registered with customs "NO"
	// (code.NoPlatformCode, code.NoOwnerCode); their names are then required.
	switch {
	case q.EbpCode != "" || q.EbpName != "":
		if q.EbpCode != code.NoPlatformCode {
			checkPartyCode(&v, "parties.ebpCode", q.EbpCode, true)
		}
		checkText(&v, "parties.ebpName", q.EbpName, true, MaxPartyName)
	case f.EbpCode != "":
		q.EbpCode, q.EbpName = f.EbpCode, f.EbpName
		checkText(&v, "parties.ebpName", q.EbpName, true, MaxPartyName)
	default:
		q.EbpCode, q.EbpName = q.EbcCode, q.EbcName
	}
	switch {
	case q.OwnerCode != "" || q.OwnerName != "":
		if q.OwnerCode != code.NoOwnerCode {
			checkPartyCode(&v, "parties.ownerCode", q.OwnerCode, true)
		}
		checkText(&v, "parties.ownerName", q.OwnerName, true, MaxPartyName)
	case f.OwnerCode != "":
		q.OwnerCode, q.OwnerName = f.OwnerCode, f.OwnerName
	default:
		q.OwnerCode, q.OwnerName = q.EbcCode, q.EbcName
	}
	if bonded {
		checkPartyCode(&v, "parties.iacCode", q.IacCode, true)
		checkText(&v, "parties.iacName", q.IacName, true, MaxPartyName)
	} else {
		if q.IacCode != "" {
			v.Add("parties.iacCode", "not_applicable", "iacCode is for 1210 (bonded) lists only")
		}
		if q.IacName != "" {
			v.Add("parties.iacName", "not_applicable", "iacName is for 1210 (bonded) lists only")
		}
	}
	checkText(&v, "parties.logisticsName", q.LogisticsName, false, MaxPartyName)

	checkDistrict(&v, "customsCode", out.CustomsCode)
	checkDistrict(&v, "portCode", out.PortCode)
	tr := &out.Transport
	checkText(&v, "transport.trafName", tr.TrafName, false, MaxInventoryTrafName)
	checkText(&v, "transport.voyageNo", tr.VoyageNo, false, MaxVoyageNo)
	if tr.ArrivalCountry != "" {
		if c, err := code.NormalizeCountry(tr.ArrivalCountry); err != nil {
			v.AddError("transport.arrivalCountry", err)
		} else if c.Alpha2 == "CN" {
			v.Add("transport.arrivalCountry", "invalid_country", "the country of arrival of an export is not China")
		} else {
			tr.ArrivalCountry = c.Alpha2
		}
	}
	switch out.StatisticsFlag {
	case "":
		out.StatisticsFlag = StatisticsSummarised
	case StatisticsSimplified, StatisticsSummarised:
	default:
		v.Add("statisticsFlag", "invalid_statistics_flag", `statisticsFlag is "A" (simplified) or "B" (summarised)`)
	}
	if out.TrafMode == "" {
		out.TrafMode = TrafModeRailway
	} else if !slices.Contains(TrafModes, out.TrafMode) {
		v.Add("trafMode", "invalid_traf_mode", "trafMode is a JGS-20 code: 2, 3, 4, 5, 6, 7 or 9")
	}
	if err := v.Err(); err != nil {
		return Inventory{}, err
	}
	return out, nil
}
