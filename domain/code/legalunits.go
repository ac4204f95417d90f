package code

// LegalUnits are the legal units of measurement (法定计量单位) of a commodity code: the first
// always, the second where the tariff has one. An inventory list declares its quantity in them
// (CEB603 qty1/unit1, qty2/unit2) besides the unit the goods were sold in.
type LegalUnits struct {
	First  string // unit code, e.g. "011" 件
	Second string // unit code, or "" when the tariff has no second unit
}

// legalUnitTable holds the legal units of the commodity codes this product knows: those of the
// goods in its demo data, tests, spreadsheet samples and README (e-commerce parcels: earphones,
// phones, T-shirts, toys, shoes, bags, batteries, laptops). It covers ONLY these codes; a code
// not in it cannot be filed as an inventory list until it is added here (LegalUnitsOf).
//
// Source: the customs tariff of the People's Republic of China (《中华人民共和国海关进出口税则》)
// and the Single Window "商品编码" parameter table, which give each 10-digit code its 法定第一
// / 第二计量单位; unit codes as in the customs measurement-unit table (unitTable: 001 台,
// 007 个, 011 件, 025 双, 035 千克). The entries were transcribed, not read from a machine
// copy of the table, and are [U] until checked against the current parameter table before
// connecting to the real Single Window.
var legalUnitTable = map[string]LegalUnits{
	"8517130000": {"001", "035"}, // 智能手机: 台 / 千克
	"8518300000": {"007", "035"}, // 耳机、耳塞机: 个 / 千克
	"8471300000": {"001", "035"}, // 便携式自动数据处理设备: 台 / 千克
	"8507600010": {"007", "035"}, // 锂离子蓄电池: 个 / 千克
	"8507600090": {"007", "035"}, // 其他锂离子蓄电池: 个 / 千克
	"6109100000": {"011", "035"}, // 棉制针织T恤衫: 件 / 千克
	"6109100021": {"011", "035"}, // 棉制针织T恤衫: 件 / 千克
	"6109100022": {"011", "035"}, // 棉制针织T恤衫: 件 / 千克
	"6109909000": {"011", "035"}, // 其他纺织材料制针织T恤衫: 件 / 千克
	"6402999000": {"025", "035"}, // 橡胶或塑料外底及鞋面的其他鞋靴: 双 / 千克
	"4202221000": {"007", "035"}, // 以塑料薄膜作面的手提包: 个 / 千克
	"9503006000": {"035", ""},    // 智力玩具: 千克
	"9503008900": {"035", ""},    // 其他玩具: 千克
	"3926909090": {"035", ""},    // 其他塑料制品: 千克
}

// LegalUnitsOf returns the legal units of a 10-digit commodity code, and false for a code the
// table does not cover.
func LegalUnitsOf(hs string) (LegalUnits, bool) {
	u, ok := legalUnitTable[hs]
	return u, ok
}
