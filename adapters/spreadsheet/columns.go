package spreadsheet

import (
	"strings"

	"github.com/silkgate/silkgate/domain/code"
	"github.com/silkgate/silkgate/domain/parcel"
)

// Column levels.
const (
	LevelParcel = "parcel" // one value per parcel, taken from the parcel's first row
	LevelItem   = "item"   // one value per row: the row's goods line
)

// Column is one column of the import format.
type Column struct {
	Name        string   // the header ("logisticsNo"); matched case-insensitively
	Chinese     string   // the Chinese header accepted in its place ("物流运单编号")
	Aliases     []string // further accepted headers
	Level       string   // LevelParcel or LevelItem
	Required    bool     // the header must be present (the cell may still be empty: Validate decides)
	Field       string   // the parcel.Draft JSON path it fills: "consignee.name", "items[].gcode"
	Description string
}

// Columns is the documented column set, in the order of the sample files (testdata/parcels.csv).
// A header is matched after trimming, case-insensitively, with a leading or trailing "*" and a
// trailing parenthesis ("毛重（千克）", "grossWeightKg (kg)") ignored; the English name, the
// Chinese header and the aliases are all accepted. Columns may come in any order; optional columns
// may be left out; an unknown header refuses the file.
//
// | Column | 中文表头 | Level | Required | Description |
// |---|---|---|---|---|
// | logisticsCode | 物流企业代码 | parcel | yes | Carrier: 10-character customs code (4206360A21) or 18-character USCC |
// | logisticsNo | 物流运单编号 | parcel | yes | Waybill number (≤ 32: letters, digits, - and _); rows with the same logisticsCode + logisticsNo form one parcel |
// | tradeMode | 贸易方式 | parcel | yes | 9610 (e-commerce retail export) or 1210 (bonded zone) |
// | orderNo | 订单编号 | parcel | yes | The platform order number (≤ 60) |
// | ebpCode | 电商平台代码 | parcel | no | E-commerce platform: customs code or USCC; 无 for a foreign platform without one (ebpName then required) |
// | ebpName | 电商平台名称 | parcel | no | E-commerce platform name (≤ 100) |
// | consigneeName | 收货人 | parcel | yes | Buyer's name (≤ 100), any script |
// | consigneeCountry | 收货人国家 | parcel | yes | Buyer's country, ISO 3166 alpha-2 or alpha-3 (PL, DEU) |
// | consigneeCity | 收货城市 | parcel | yes | Buyer's city (≤ 100) |
// | consigneeAddress | 收货地址 | parcel | yes | Buyer's street address (≤ 250) |
// | consigneePhone | 收货人电话 | parcel | no | Digits, spaces, + - ( ) (≤ 32) |
// | destinationCountry | 运抵国 | parcel | yes | Country of destination, ISO 3166 |
// | currency | 币制 | parcel | yes | ISO 4217 currency of the prices (CNY, EUR, USD) |
// | grossWeightKg | 毛重 | parcel | yes | Gross weight in kg, > 0, at most 4 decimals |
// | netWeightKg | 净重 | parcel | yes | Net weight in kg, > 0 and ≤ gross weight |
// | freight | 运费 | parcel | no | Freight in the parcel's currency (empty = 0) |
// | insuredFee | 保费 | parcel | no | Insurance fee in the parcel's currency (empty = 0) |
// | emsNo | 账册编号 | parcel | no | Bonded account book number; required for 1210 |
// | note | 备注 | parcel | no | Free text (≤ 1000) |
// | itemNo | 企业商品货号 | item | no | The firm's own article number (≤ 20) |
// | itemRecordNo | 账册备案料号 | item | no | Bonded account item number (≤ 30); required for 1210 |
// | gcode | 商品编码 | item | yes | HS code, exactly 10 digits (8517130000) |
// | gname | 商品名称 | item | yes | Goods name (≤ 250) |
// | gmodel | 规格型号 | item | yes | Specification / declaration elements (≤ 250) |
// | qty | 数量 | item | yes | Quantity, > 0 |
// | unit | 计量单位 | item | yes | Customs unit code, 3 digits (007 个, 011 件, 140 盒) |
// | price | 单价 | item | yes | Unit price in the parcel's currency, ≥ 0 |
// | totalPrice | 总价 | item | no | qty × price (within 0.01); computed when empty |
// | originCountry | 原产国 | item | yes | Country of origin, ISO 3166 |
// | barCode | 条码 | item | no | Bar code (≤ 50); empty or 无 when none |
// | payCode | 支付企业代码 | parcel | no | Payment firm that collected the order: customs code or USCC; empty when the exporter collected it |
// | ownerCode | 生产销售企业代码 | parcel | no | Producer: customs code or USCC, or NO when not registered with customs; empty when the exporter is the producer |
// | ownerName | 生产销售企业名称 | parcel | no | Producer's name (≤ 100); required with ownerCode |
// | itemNetWeightKg | 商品净重 | item | no | The line's net weight in kg, > 0; needed for a list when the HS code's legal unit is a weight and the parcel has several lines |
//
// Accepted aliases: tradeMode 监管方式; logisticsNo 运单号, 物流单号; orderNo 订单号; consigneeName
// 收货人姓名, 收件人; consigneeCountry 收货国家; consigneeCity 收货人城市; consigneeAddress 收货人地址;
// consigneePhone 收件人电话, 收货电话; destinationCountry 目的国; currency 币种; insuredFee 保价费;
// itemNo 商品货号; itemRecordNo 备案料号; gcode HS编码, hsCode; unit 单位; originCountry 原产地;
// barCode 条形码.
var Columns = exportColumns()

// column is the internal description of a column: the public part and how a cell fills a draft.
type column struct {
	Column
	// Exactly one setter is set: it stores a trimmed, non-empty cell (a decimal once parsed).
	setParcel    func(d *parcel.Draft, v string)
	setParcelDec func(d *parcel.Draft, v code.Decimal)
	setItem      func(it *parcel.DraftItem, v string)
	setItemDec   func(it *parcel.DraftItem, v code.Decimal)
}

// The indexes of the columns the parser needs by name.
const (
	colLogisticsCode = 0
	colLogisticsNo   = 1
)

var columns = []column{
	{Column: Column{Name: "logisticsCode", Chinese: "物流企业代码", Level: LevelParcel, Required: true, Field: "logisticsCode",
		Description: "Carrier: 10-character customs code (4206360A21) or 18-character USCC"},
		setParcel: func(d *parcel.Draft, v string) { d.LogisticsCode = v }},
	{Column: Column{Name: "logisticsNo", Chinese: "物流运单编号", Aliases: []string{"运单号", "物流单号"}, Level: LevelParcel, Required: true, Field: "logisticsNo",
		Description: "Waybill number (≤ 32: letters, digits, - and _); rows with the same logisticsCode + logisticsNo form one parcel"},
		setParcel: func(d *parcel.Draft, v string) { d.LogisticsNo = v }},
	{Column: Column{Name: "tradeMode", Chinese: "贸易方式", Aliases: []string{"监管方式"}, Level: LevelParcel, Required: true, Field: "tradeMode",
		Description: "9610 (e-commerce retail export) or 1210 (bonded zone)"},
		setParcel: func(d *parcel.Draft, v string) { d.TradeMode = v }},
	{Column: Column{Name: "orderNo", Chinese: "订单编号", Aliases: []string{"订单号"}, Level: LevelParcel, Required: true, Field: "orderNo",
		Description: "The platform order number (≤ 60)"},
		setParcel: func(d *parcel.Draft, v string) { d.OrderNo = v }},
	{Column: Column{Name: "ebpCode", Chinese: "电商平台代码", Level: LevelParcel, Field: "ebpCode",
		Description: "E-commerce platform: customs code or USCC; 无 for a foreign platform without one (ebpName then required)"},
		setParcel: func(d *parcel.Draft, v string) { d.EbpCode = v }},
	{Column: Column{Name: "ebpName", Chinese: "电商平台名称", Level: LevelParcel, Field: "ebpName",
		Description: "E-commerce platform name (≤ 100)"},
		setParcel: func(d *parcel.Draft, v string) { d.EbpName = v }},
	{Column: Column{Name: "consigneeName", Chinese: "收货人", Aliases: []string{"收货人姓名", "收件人"}, Level: LevelParcel, Required: true, Field: "consignee.name",
		Description: "Buyer's name (≤ 100), any script"},
		setParcel: func(d *parcel.Draft, v string) { d.Consignee.Name = v }},
	{Column: Column{Name: "consigneeCountry", Chinese: "收货人国家", Aliases: []string{"收货国家"}, Level: LevelParcel, Required: true, Field: "consignee.country",
		Description: "Buyer's country, ISO 3166 alpha-2 or alpha-3 (PL, DEU)"},
		setParcel: func(d *parcel.Draft, v string) { d.Consignee.Country = v }},
	{Column: Column{Name: "consigneeCity", Chinese: "收货城市", Aliases: []string{"收货人城市"}, Level: LevelParcel, Required: true, Field: "consignee.city",
		Description: "Buyer's city (≤ 100)"},
		setParcel: func(d *parcel.Draft, v string) { d.Consignee.City = v }},
	{Column: Column{Name: "consigneeAddress", Chinese: "收货地址", Aliases: []string{"收货人地址"}, Level: LevelParcel, Required: true, Field: "consignee.address",
		Description: "Buyer's street address (≤ 250)"},
		setParcel: func(d *parcel.Draft, v string) { d.Consignee.Address = v }},
	{Column: Column{Name: "consigneePhone", Chinese: "收货人电话", Aliases: []string{"收件人电话", "收货电话"}, Level: LevelParcel, Field: "consignee.phone",
		Description: "Digits, spaces, + - ( ) (≤ 32)"},
		setParcel: func(d *parcel.Draft, v string) { d.Consignee.Phone = v }},
	{Column: Column{Name: "destinationCountry", Chinese: "运抵国", Aliases: []string{"目的国"}, Level: LevelParcel, Required: true, Field: "destinationCountry",
		Description: "Country of destination, ISO 3166"},
		setParcel: func(d *parcel.Draft, v string) { d.DestinationCountry = v }},
	{Column: Column{Name: "currency", Chinese: "币制", Aliases: []string{"币种"}, Level: LevelParcel, Required: true, Field: "currency",
		Description: "ISO 4217 currency of the prices (CNY, EUR, USD)"},
		setParcel: func(d *parcel.Draft, v string) { d.Currency = v }},
	{Column: Column{Name: "grossWeightKg", Chinese: "毛重", Level: LevelParcel, Required: true, Field: "grossWeightKg",
		Description: "Gross weight in kg, > 0, at most 4 decimals"},
		setParcelDec: func(d *parcel.Draft, v code.Decimal) { d.GrossWeightKg = v }},
	{Column: Column{Name: "netWeightKg", Chinese: "净重", Level: LevelParcel, Required: true, Field: "netWeightKg",
		Description: "Net weight in kg, > 0 and ≤ gross weight"},
		setParcelDec: func(d *parcel.Draft, v code.Decimal) { d.NetWeightKg = v }},
	{Column: Column{Name: "freight", Chinese: "运费", Level: LevelParcel, Field: "freight",
		Description: "Freight in the parcel's currency (empty = 0)"},
		setParcelDec: func(d *parcel.Draft, v code.Decimal) { d.Freight = v }},
	{Column: Column{Name: "insuredFee", Chinese: "保费", Aliases: []string{"保价费"}, Level: LevelParcel, Field: "insuredFee",
		Description: "Insurance fee in the parcel's currency (empty = 0)"},
		setParcelDec: func(d *parcel.Draft, v code.Decimal) { d.InsuredFee = v }},
	{Column: Column{Name: "emsNo", Chinese: "账册编号", Level: LevelParcel, Field: "emsNo",
		Description: "Bonded account book number; required for 1210"},
		setParcel: func(d *parcel.Draft, v string) { d.EmsNo = v }},
	{Column: Column{Name: "note", Chinese: "备注", Level: LevelParcel, Field: "note",
		Description: "Free text (≤ 1000)"},
		setParcel: func(d *parcel.Draft, v string) { d.Note = v }},
	{Column: Column{Name: "itemNo", Chinese: "企业商品货号", Aliases: []string{"商品货号"}, Level: LevelItem, Field: "items[].itemNo",
		Description: "The firm's own article number (≤ 20)"},
		setItem: func(it *parcel.DraftItem, v string) { it.ItemNo = v }},
	{Column: Column{Name: "itemRecordNo", Chinese: "账册备案料号", Aliases: []string{"备案料号"}, Level: LevelItem, Field: "items[].itemRecordNo",
		Description: "Bonded account item number (≤ 30); required for 1210"},
		setItem: func(it *parcel.DraftItem, v string) { it.ItemRecordNo = v }},
	{Column: Column{Name: "gcode", Chinese: "商品编码", Aliases: []string{"HS编码", "hsCode"}, Level: LevelItem, Required: true, Field: "items[].gcode",
		Description: "HS code, exactly 10 digits (8517130000)"},
		setItem: func(it *parcel.DraftItem, v string) { it.Gcode = v }},
	{Column: Column{Name: "gname", Chinese: "商品名称", Level: LevelItem, Required: true, Field: "items[].gname",
		Description: "Goods name (≤ 250)"},
		setItem: func(it *parcel.DraftItem, v string) { it.Gname = v }},
	{Column: Column{Name: "gmodel", Chinese: "规格型号", Level: LevelItem, Required: true, Field: "items[].gmodel",
		Description: "Specification / declaration elements (≤ 250)"},
		setItem: func(it *parcel.DraftItem, v string) { it.Gmodel = v }},
	{Column: Column{Name: "qty", Chinese: "数量", Level: LevelItem, Required: true, Field: "items[].qty",
		Description: "Quantity, > 0"},
		setItemDec: func(it *parcel.DraftItem, v code.Decimal) { it.Qty = v }},
	{Column: Column{Name: "unit", Chinese: "计量单位", Aliases: []string{"单位"}, Level: LevelItem, Required: true, Field: "items[].unit",
		Description: "Customs unit code, 3 digits (007 个, 011 件, 140 盒)"},
		setItem: func(it *parcel.DraftItem, v string) { it.Unit = v }},
	{Column: Column{Name: "price", Chinese: "单价", Level: LevelItem, Required: true, Field: "items[].price",
		Description: "Unit price in the parcel's currency, ≥ 0"},
		setItemDec: func(it *parcel.DraftItem, v code.Decimal) { it.Price = &v }},
	{Column: Column{Name: "totalPrice", Chinese: "总价", Level: LevelItem, Field: "items[].totalPrice",
		Description: "qty × price (within 0.01); computed when empty"},
		setItemDec: func(it *parcel.DraftItem, v code.Decimal) { it.TotalPrice = &v }},
	{Column: Column{Name: "originCountry", Chinese: "原产国", Aliases: []string{"原产地"}, Level: LevelItem, Required: true, Field: "items[].originCountry",
		Description: "Country of origin, ISO 3166"},
		setItem: func(it *parcel.DraftItem, v string) { it.OriginCountry = v }},
	{Column: Column{Name: "barCode", Chinese: "条码", Aliases: []string{"条形码"}, Level: LevelItem, Field: "items[].barCode",
		Description: "Bar code (≤ 50); empty or 无 when none"},
		setItem: func(it *parcel.DraftItem, v string) { it.BarCode = v }},
	// Added after the first samples, hence at the end (headers are matched by name, not place).
	{Column: Column{Name: "payCode", Chinese: "支付企业代码", Level: LevelParcel, Field: "payCode",
		Description: "Payment firm that collected the order: customs code or USCC; empty when the exporter collected it"},
		setParcel: func(d *parcel.Draft, v string) { d.PayCode = v }},
	{Column: Column{Name: "ownerCode", Chinese: "生产销售企业代码", Level: LevelParcel, Field: "ownerCode",
		Description: "Producer: customs code or USCC, or NO when not registered with customs; empty when the exporter is the producer"},
		setParcel: func(d *parcel.Draft, v string) { d.OwnerCode = v }},
	{Column: Column{Name: "ownerName", Chinese: "生产销售企业名称", Level: LevelParcel, Field: "ownerName",
		Description: "Producer's name (≤ 100); required with ownerCode"},
		setParcel: func(d *parcel.Draft, v string) { d.OwnerName = v }},
	{Column: Column{Name: "itemNetWeightKg", Chinese: "商品净重", Level: LevelItem, Field: "items[].netWeightKg",
		Description: "The line's net weight in kg, > 0; needed for a list when the HS code's legal unit is a weight and the parcel has several lines"},
		setItemDec: func(it *parcel.DraftItem, v code.Decimal) { it.NetWeightKg = &v }},
}

// columnByHeader maps a normalised header to its index in columns.
var columnByHeader = func() map[string]int {
	m := make(map[string]int)
	add := func(h string, i int) {
		k := normalizeHeader(h)
		if j, dup := m[k]; dup && j != i {
			panic("spreadsheet: header " + h + " names two columns")
		}
		m[k] = i
	}
	for i, c := range columns {
		add(c.Name, i)
		add(c.Chinese, i)
		for _, a := range c.Aliases {
			add(a, i)
		}
	}
	return m
}()

// columnByField maps a Validate field path, with its level ("items[i]." removed: "gcode" at
// LevelItem), to its index in columns: a parcel's and an item's field may share a name
// (netWeightKg).
var columnByField = func() map[fieldAt]int {
	m := make(map[fieldAt]int)
	for i, c := range columns {
		m[fieldAt{strings.TrimPrefix(c.Field, "items[]."), c.Level}] = i
	}
	return m
}()

type fieldAt struct {
	path  string
	level string
}

func exportColumns() []Column {
	out := make([]Column, len(columns))
	for i, c := range columns {
		out[i] = c.Column
		out[i].Aliases = append([]string(nil), c.Aliases...)
	}
	return out
}

// normalizeHeader trims a header, drops the "*" templates use to mark required columns and a
// trailing parenthesis holding a unit or a note ("毛重（千克）", "grossWeightKg (kg)"), and
// lower-cases it.
func normalizeHeader(h string) string {
	h = strings.TrimPrefix(h, "\uFEFF")
	h = strings.Trim(strings.TrimSpace(h), "*＊")
	h = strings.TrimSpace(h)
	for _, p := range [][2]string{{"(", ")"}, {"（", "）"}} {
		if strings.HasSuffix(h, p[1]) {
			if i := strings.LastIndex(h, p[0]); i > 0 {
				h = strings.TrimSpace(h[:i])
			}
		}
	}
	h = strings.Trim(h, "*＊")
	return strings.ToLower(strings.TrimSpace(h))
}

// columnLetter is the spreadsheet name of the 0-based column index: 0 → "A", 26 → "AA".
func columnLetter(i int) string {
	var b []byte
	for n := i + 1; n > 0; n = (n - 1) / 26 {
		b = append(b, byte('A'+(n-1)%26))
	}
	for l, r := 0, len(b)-1; l < r; l, r = l+1, r-1 {
		b[l], b[r] = b[r], b[l]
	}
	return string(b)
}
