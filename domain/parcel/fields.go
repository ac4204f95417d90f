package parcel

import (
	"strconv"
	"strings"

	"github.com/silkgate/silkgate/domain"
	"github.com/silkgate/silkgate/domain/code"
)

// Trade modes (监管方式) a parcel may use (docs/customs.md §2).
const (
	TradeMode9610 = "9610" // 跨境贸易电子商务: B2B2C retail parcels, "list-verify-release"
	TradeMode1210 = "1210" // 保税跨境贸易电子商务: e-commerce goods through a bonded zone
)

// Limits, from the CEB 2022-05 export schema where it has one. Lengths count characters (runes),
// as XML Schema does, so 250 Chinese characters fit a gname.
const (
	MaxItems          = 100  // InventoryList blocks per parcel
	MaxOrderNo        = 60   // orderNo
	MaxPartyCode      = 18   // ebpCode, logisticsCode: 10-char customs code or 18-char USCC
	MaxPartyName      = 100  // ebpName
	MaxLogisticsNo    = 32   // logisticsNo (80 before the 2022-05 revision)
	MaxExporterID     = 64   // an opaque id of ours
	MaxConsigneeName  = 100  // consignee.name (no CEB limit: export messages carry no consignee)
	MaxConsigneeCity  = 100  // consignee.city
	MaxConsigneeAddr  = 250  // consignee.address
	MaxConsigneePhone = 32   // digits, spaces, + - ( ); the same rule as an organisation's phone
	MaxItemNo         = 20   // itemNo (企业商品编号)
	MaxItemRecordNo   = 30   // itemRecordNo (bonded account item)
	MaxGname          = 250  // gname
	MaxGmodel         = 250  // gmodel (申报要素)
	MaxBarCode        = 50   // barCode
	MaxEmsNo          = 30   // emsNo (bonded account book)
	MaxNote           = 1000 // note
	MaxCancelReason   = 500  // a cancellation's reason
)

// noBarCode is what CEB writes in barCode when goods have none; the domain keeps "" instead.
const noBarCode = "无"

// totalPriceTolerance is how far a given totalPrice may be from qty × price (the rounding rule
// of docs/customs.md §4): a cent either way.
var totalPriceTolerance = code.MustDecimal("0.01")

// Consignee is the buyer abroad who receives the parcel.
type Consignee struct {
	Name    string `json:"name"`
	Country string `json:"country"` // ISO 3166-1; alpha-2 once validated
	City    string `json:"city"`
	Address string `json:"address"`
	Phone   string `json:"phone,omitempty"`
}

// Draft is a parcel as a client sends it: to register one (New) or to change one (Edit). Field
// names are those of the CEB messages. Validate turns it into Fields.
type Draft struct {
	TradeMode          string       `json:"tradeMode"`
	ExporterID         string       `json:"exporterId"`
	OrderNo            string       `json:"orderNo"`
	EbpCode            string       `json:"ebpCode,omitempty"`
	EbpName            string       `json:"ebpName,omitempty"`
	OwnerCode          string       `json:"ownerCode,omitempty"` // the producer; "NO" when not registered with customs
	OwnerName          string       `json:"ownerName,omitempty"`
	PayCode            string       `json:"payCode,omitempty"`
	LogisticsCode      string       `json:"logisticsCode"`
	LogisticsNo        string       `json:"logisticsNo"`
	Consignee          Consignee    `json:"consignee"`
	DestinationCountry string       `json:"destinationCountry"`
	Currency           string       `json:"currency"`
	Items              []DraftItem  `json:"items"`
	GrossWeightKg      code.Decimal `json:"grossWeightKg"`
	NetWeightKg        code.Decimal `json:"netWeightKg"`
	Freight            code.Decimal `json:"freight"`
	InsuredFee         code.Decimal `json:"insuredFee"`
	EmsNo              string       `json:"emsNo,omitempty"`
	Note               string       `json:"note,omitempty"`
}

// DraftItem is one line of goods as sent. Price is a pointer so that a missing price is
// "required" rather than a free gift; TotalPrice may be left out and is then computed.
type DraftItem struct {
	ItemNo        string        `json:"itemNo,omitempty"`
	ItemRecordNo  string        `json:"itemRecordNo,omitempty"`
	Gcode         string        `json:"gcode"`
	Gname         string        `json:"gname"`
	Gmodel        string        `json:"gmodel"`
	Qty           code.Decimal  `json:"qty"`
	Unit          string        `json:"unit"`
	Price         *code.Decimal `json:"price"`
	TotalPrice    *code.Decimal `json:"totalPrice,omitempty"`
	OriginCountry string        `json:"originCountry"`
	BarCode       string        `json:"barCode,omitempty"`
	NetWeightKg   *code.Decimal `json:"netWeightKg,omitempty"` // the line's net weight; optional
}

// Fields are a parcel's checked and normalised contents: strings trimmed, countries as ISO
// alpha-2, the currency as an ISO code, logisticsCode in capitals, every totalPrice present, a
// barCode of "无" emptied.
type Fields struct {
	TradeMode          string       `json:"tradeMode"`
	ExporterID         string       `json:"exporterId"`
	OrderNo            string       `json:"orderNo"`
	EbpCode            string       `json:"ebpCode,omitempty"`
	EbpName            string       `json:"ebpName,omitempty"`
	OwnerCode          string       `json:"ownerCode,omitempty"` // the producer; "NO" when not registered with customs
	OwnerName          string       `json:"ownerName,omitempty"`
	PayCode            string       `json:"payCode,omitempty"`
	LogisticsCode      string       `json:"logisticsCode"`
	LogisticsNo        string       `json:"logisticsNo"`
	Consignee          Consignee    `json:"consignee"`
	DestinationCountry string       `json:"destinationCountry"`
	Currency           string       `json:"currency"`
	Items              []Item       `json:"items"`
	GrossWeightKg      code.Decimal `json:"grossWeightKg"`
	NetWeightKg        code.Decimal `json:"netWeightKg"`
	Freight            code.Decimal `json:"freight"`
	InsuredFee         code.Decimal `json:"insuredFee"`
	EmsNo              string       `json:"emsNo,omitempty"`
	Note               string       `json:"note,omitempty"`
}

// Item is one checked line of goods.
type Item struct {
	ItemNo        string       `json:"itemNo,omitempty"`
	ItemRecordNo  string       `json:"itemRecordNo,omitempty"`
	Gcode         string       `json:"gcode"`
	Gname         string       `json:"gname"`
	Gmodel        string       `json:"gmodel"`
	Qty           code.Decimal `json:"qty"`
	Unit          string       `json:"unit"`
	Price         code.Decimal `json:"price"`
	TotalPrice    code.Decimal `json:"totalPrice"`
	OriginCountry string       `json:"originCountry"`
	BarCode       string       `json:"barCode,omitempty"`
	// NetWeightKg is the line's own net weight, zero when not given. The inventory list needs
	// it for a line whose legal unit is a weight (customs.LegalQuantities) in a parcel of
	// several lines; a parcel of one line has the parcel's.
	NetWeightKg code.Decimal `json:"netWeightKg,omitempty,omitzero"`
}

// Key is the parcel's natural key, unique across the zone: the carrier and its waybill number.
func (f Fields) Key() string { return Key(f.LogisticsCode, f.LogisticsNo) }

// Key joins a carrier code and waybill number into the parcel's natural key. Neither part can
// contain the separator, so distinct pairs give distinct keys.
func Key(logisticsCode, logisticsNo string) string { return logisticsCode + ":" + logisticsNo }

// GoodsValue is the sum of the lines' total prices, in the parcel's currency (CEB303 goodsValue).
// Validate has made sure it fits.
func (f Fields) GoodsValue() code.Decimal {
	var sum code.Decimal
	for _, it := range f.Items {
		sum = sum.Add(it.TotalPrice)
	}
	return sum
}

// Draft turns checked fields back into a Draft, e.g. for a client to change and send to Edit.
func (f Fields) Draft() Draft {
	d := Draft{
		TradeMode: f.TradeMode, ExporterID: f.ExporterID, OrderNo: f.OrderNo, EbpCode: f.EbpCode,
		EbpName: f.EbpName, OwnerCode: f.OwnerCode, OwnerName: f.OwnerName, PayCode: f.PayCode, LogisticsCode: f.LogisticsCode, LogisticsNo: f.LogisticsNo,
		Consignee: f.Consignee, DestinationCountry: f.DestinationCountry, Currency: f.Currency,
		GrossWeightKg: f.GrossWeightKg, NetWeightKg: f.NetWeightKg, Freight: f.Freight,
		InsuredFee: f.InsuredFee, EmsNo: f.EmsNo, Note: f.Note,
	}
	d.Items = make([]DraftItem, len(f.Items))
	for i, it := range f.Items {
		price, total := it.Price, it.TotalPrice
		d.Items[i] = DraftItem{
			ItemNo: it.ItemNo, ItemRecordNo: it.ItemRecordNo, Gcode: it.Gcode, Gname: it.Gname,
			Gmodel: it.Gmodel, Qty: it.Qty, Unit: it.Unit, Price: &price, TotalPrice: &total,
			OriginCountry: it.OriginCountry, BarCode: it.BarCode,
		}
		if !it.NetWeightKg.IsZero() {
			w := it.NetWeightKg
			d.Items[i].NetWeightKg = &w
		}
	}
	return d
}

func (f Fields) clone() Fields {
	c := f
	c.Items = append([]Item(nil), f.Items...)
	return c
}

// Validate checks a draft and returns its normalised fields. Every problem is reported at once
// in one Invalid domain.Error whose field errors carry JSON paths relative to the parcel
// ("orderNo", "consignee.name", "items[0].gcode"); a caller checking many parcels prefixes them
// ("parcels[3]") with domain.Violations.AddError. The error's own code is the first problem's.
//
// Codes: required, too_long, invalid_trade_mode, invalid_uscc / invalid_customs_code /
// invalid_party_code (ebpCode, logisticsCode), invalid_format (logisticsNo), invalid_phone,
// invalid_country, invalid_currency, no_items, too_many_items, invalid_hs_code, invalid_unit,
// must_be_positive, must_not_be_negative, total_price_mismatch, out_of_range, net_exceeds_gross.
// Decimals never carry more than four decimals: code.Decimal refuses them when the JSON is read
// (too_many_decimals).
func Validate(d Draft) (Fields, error) {
	var v domain.Violations
	f := Fields{
		TradeMode:     strings.TrimSpace(d.TradeMode),
		ExporterID:    strings.TrimSpace(d.ExporterID),
		OrderNo:       strings.TrimSpace(d.OrderNo),
		EbpCode:       strings.ToUpper(strings.TrimSpace(d.EbpCode)),
		EbpName:       strings.TrimSpace(d.EbpName),
		OwnerCode:     strings.ToUpper(strings.TrimSpace(d.OwnerCode)),
		OwnerName:     strings.TrimSpace(d.OwnerName),
		PayCode:       strings.ToUpper(strings.TrimSpace(d.PayCode)),
		LogisticsCode: strings.ToUpper(strings.TrimSpace(d.LogisticsCode)),
		LogisticsNo:   strings.TrimSpace(d.LogisticsNo),
		GrossWeightKg: d.GrossWeightKg,
		NetWeightKg:   d.NetWeightKg,
		Freight:       d.Freight,
		InsuredFee:    d.InsuredFee,
		EmsNo:         strings.TrimSpace(d.EmsNo),
		Note:          strings.TrimSpace(d.Note),
	}
	bonded := f.TradeMode == TradeMode1210

	switch f.TradeMode {
	case "":
		v.Add("tradeMode", "required", "tradeMode is required")
	case TradeMode9610, TradeMode1210:
	default:
		v.Add("tradeMode", "invalid_trade_mode", `tradeMode must be "9610" or "1210"`)
	}
	checkText(&v, "exporterId", f.ExporterID, true, MaxExporterID)
	checkText(&v, "orderNo", f.OrderNo, true, MaxOrderNo)
	// A foreign platform without a customs code is "无"; its name then comes from the parcel.
	if f.EbpCode == code.NoPlatformCode {
		checkText(&v, "ebpName", f.EbpName, true, MaxPartyName)
	} else {
		checkPartyCode(&v, "ebpCode", f.EbpCode, false)
		checkText(&v, "ebpName", f.EbpName, false, MaxPartyName)
	}
	// The producer (生产销售企业), by default the seller: a customs code or USCC, or "NO" for a
	// producer not registered with customs; its name is required whenever the code is given.
	if f.OwnerCode != code.NoOwnerCode {
		checkPartyCode(&v, "ownerCode", f.OwnerCode, false)
	}
	checkText(&v, "ownerName", f.OwnerName, f.OwnerCode != "", MaxPartyName)
	if f.OwnerName != "" && f.OwnerCode == "" {
		v.Add("ownerCode", "required", "ownerCode is required with ownerName (a customs code, a USCC or \"NO\")")
	}
	checkPartyCode(&v, "payCode", f.PayCode, false)
	checkPartyCode(&v, "logisticsCode", f.LogisticsCode, true)
	if checkText(&v, "logisticsNo", f.LogisticsNo, true, MaxLogisticsNo) && !WaybillChars(f.LogisticsNo) {
		v.Add("logisticsNo", "invalid_format", "logisticsNo has letters, digits, '-' and '_' only")
	}

	f.Consignee = checkConsignee(&v, d.Consignee)
	f.DestinationCountry = code.CheckCountry(&v, "destinationCountry", d.DestinationCountry)
	if cur := strings.TrimSpace(d.Currency); cur == "" {
		v.Add("currency", "required", "currency is required")
	} else if c, err := code.NormalizeCurrency(cur); err != nil {
		v.AddError("currency", err)
	} else {
		f.Currency = c.ISO
	}

	f.Items = checkItems(&v, d.Items, bonded)

	if f.GrossWeightKg.Sign() <= 0 {
		v.Add("grossWeightKg", "must_be_positive", "grossWeightKg must be more than 0")
	}
	if f.NetWeightKg.Sign() <= 0 {
		v.Add("netWeightKg", "must_be_positive", "netWeightKg must be more than 0")
	} else if f.NetWeightKg.Cmp(f.GrossWeightKg) > 0 && f.GrossWeightKg.Sign() > 0 {
		v.Add("netWeightKg", "net_exceeds_gross", "netWeightKg may not exceed grossWeightKg")
	}
	// The lines' own net weights, where given, fit in the parcel's.
	var lines code.Decimal
	linesOK := true
	for _, it := range f.Items {
		var err error
		if lines, err = lines.CheckedAdd(it.NetWeightKg); err != nil {
			linesOK = false
			break
		}
	}
	if f.NetWeightKg.Sign() > 0 && (!linesOK || lines.Cmp(f.NetWeightKg) > 0) {
		v.Add("items", "items_exceed_net_weight", "the items' netWeightKg add up to more than the parcel's netWeightKg")
	}
	if f.Freight.Sign() < 0 {
		v.Add("freight", "must_not_be_negative", "freight may not be negative")
	}
	if f.InsuredFee.Sign() < 0 {
		v.Add("insuredFee", "must_not_be_negative", "insuredFee may not be negative")
	}
	checkText(&v, "emsNo", f.EmsNo, bonded, MaxEmsNo)
	checkText(&v, "note", f.Note, false, MaxNote)

	if err := v.Err(); err != nil {
		return Fields{}, err
	}
	return f, nil
}

// checkText records required / too_long for a trimmed string and reports whether it passed.
func checkText(v *domain.Violations, field, s string, required bool, max int) bool {
	return v.CheckText(field, s, required, max)
}

// checkPartyCode accepts what CEB accepts in a party field: a 10-character customs
// registration code or an 18-character USCC.
func checkPartyCode(v *domain.Violations, field, s string, required bool) {
	if !checkText(v, field, s, required, MaxPartyCode) || s == "" {
		return
	}
	if err := code.CheckPartyCode(s); err != nil {
		v.AddError(field, err)
	}
}

// WaybillChars reports whether s has only the characters a waybill number may have: ASCII
// letters, digits, "-" and "_".
func WaybillChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func checkConsignee(v *domain.Violations, c Consignee) Consignee {
	out := Consignee{
		Name:    strings.TrimSpace(c.Name),
		City:    strings.TrimSpace(c.City),
		Address: strings.TrimSpace(c.Address),
		Phone:   strings.TrimSpace(c.Phone),
	}
	checkText(v, "consignee.name", out.Name, true, MaxConsigneeName)
	out.Country = code.CheckCountry(v, "consignee.country", c.Country)
	checkText(v, "consignee.city", out.City, true, MaxConsigneeCity)
	checkText(v, "consignee.address", out.Address, true, MaxConsigneeAddr)
	if len(out.Phone) > MaxConsigneePhone || strings.Trim(out.Phone, "+0123456789- ()") != "" {
		v.Add("consignee.phone", "invalid_phone", "phone has digits, spaces, +, - and parentheses only (at most 32)")
	}
	return out
}

func checkItems(v *domain.Violations, items []DraftItem, bonded bool) []Item {
	switch {
	case len(items) == 0:
		v.Add("items", "no_items", "a parcel has at least one item")
		return nil
	case len(items) > MaxItems:
		v.Add("items", "too_many_items", "a parcel has at most "+strconv.Itoa(MaxItems)+" items")
		return nil
	}
	out := make([]Item, len(items))
	var sum code.Decimal
	sumOK := true
	for i, d := range items {
		p := "items[" + strconv.Itoa(i) + "]"
		it := Item{
			ItemNo:       strings.TrimSpace(d.ItemNo),
			ItemRecordNo: strings.TrimSpace(d.ItemRecordNo),
			Gcode:        strings.TrimSpace(d.Gcode),
			Gname:        strings.TrimSpace(d.Gname),
			Gmodel:       strings.TrimSpace(d.Gmodel),
			Qty:          d.Qty,
			Unit:         strings.TrimSpace(d.Unit),
			BarCode:      strings.TrimSpace(d.BarCode),
		}
		if it.BarCode == noBarCode {
			it.BarCode = ""
		}
		checkText(v, p+".itemNo", it.ItemNo, false, MaxItemNo)
		checkText(v, p+".itemRecordNo", it.ItemRecordNo, bonded, MaxItemRecordNo)
		if it.Gcode == "" {
			v.Add(p+".gcode", "required", "gcode is required")
		} else if err := code.CheckHSCode(it.Gcode); err != nil {
			v.AddError(p+".gcode", err)
		}
		checkText(v, p+".gname", it.Gname, true, MaxGname)
		checkText(v, p+".gmodel", it.Gmodel, true, MaxGmodel)
		if it.Qty.Sign() <= 0 {
			v.Add(p+".qty", "must_be_positive", "qty must be more than 0")
		}
		if it.Unit == "" {
			v.Add(p+".unit", "required", "unit is required")
		} else if err := code.CheckUnit(it.Unit); err != nil {
			v.AddError(p+".unit", err)
		}
		priceOK := false
		switch {
		case d.Price == nil:
			v.Add(p+".price", "required", "price is required")
		case d.Price.Sign() < 0:
			v.Add(p+".price", "must_not_be_negative", "price may not be negative")
		default:
			it.Price, priceOK = *d.Price, true
		}
		totalOK := checkTotal(v, p, &it, d.TotalPrice, priceOK && it.Qty.Sign() > 0)
		if totalOK && sumOK {
			var err error
			if sum, err = sum.CheckedAdd(it.TotalPrice); err != nil {
				v.Add("items", "out_of_range", "the items' total value is out of range")
				sumOK = false
			}
		}
		it.OriginCountry = code.CheckCountry(v, p+".originCountry", d.OriginCountry)
		checkText(v, p+".barCode", it.BarCode, false, MaxBarCode)
		if d.NetWeightKg != nil {
			if d.NetWeightKg.Sign() <= 0 {
				v.Add(p+".netWeightKg", "must_be_positive", "netWeightKg must be more than 0")
			} else {
				it.NetWeightKg = *d.NetWeightKg
			}
		}
		out[i] = it
	}
	return out
}

// checkTotal checks a given totalPrice against qty × price (within 0.01) or computes it when
// absent; canCompare says qty and price are usable.
func checkTotal(v *domain.Violations, p string, it *Item, given *code.Decimal, canCompare bool) bool {
	if given != nil && given.Sign() < 0 {
		v.Add(p+".totalPrice", "must_not_be_negative", "totalPrice may not be negative")
		return false
	}
	if !canCompare {
		return false
	}
	product, err := it.Qty.CheckedMul(it.Price)
	if err != nil {
		v.Add(p+".totalPrice", "out_of_range", "qty × price is out of range")
		return false
	}
	if given == nil {
		it.TotalPrice = product
		return true
	}
	if diff, err := given.CheckedSub(product); err != nil || diff.Abs().Cmp(totalPriceTolerance) > 0 {
		v.Add(p+".totalPrice", "total_price_mismatch",
			"totalPrice "+given.String()+" is not qty × price = "+product.String()+" (within 0.01)")
		return false
	}
	it.TotalPrice = *given
	return true
}
