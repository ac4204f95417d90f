package code

import (
	"slices"
	"strings"

	"github.com/silkgate/silkgate/domain"
)

// Country is a country or customs territory: its ISO 3166-1 alpha-2 and alpha-3 codes, the
// 3-digit customs country code (海关国别(地区)代码) that CEB messages carry (e.g. the inventory
// list's destination and origin), and its names.
type Country struct {
	Alpha2  string
	Alpha3  string
	Customs string
	NameEn  string
	NameZh  string
}

// countryTable lists the countries Silkgate maps, grouped as the customs table is (1xx Asia, 2xx
// Africa, 3xx Europe, 4xx Latin America, 5xx North America, 6xx Oceania). Only entries with a
// current ISO code are kept: obsolete codes (349 Serbia and Montenegro, 449 Netherlands
// Antilles), the "other …" buckets (x99) and islands without an ISO code of their own (207
// Canary Islands, 210 Ceuta, 256 Melilla, 409 Bonaire, 436 Saba, 438 Saint Martin, 604 Gambier,
// 605 Marquesas, 612 Society, 615 Tuamotu, 616 Tubuai) are left out.
var countryTable = []Country{
	// Asia
	{"AF", "AFG", "101", "Afghanistan", "阿富汗"},
	{"BH", "BHR", "102", "Bahrain", "巴林"},
	{"BD", "BGD", "103", "Bangladesh", "孟加拉国"},
	{"BT", "BTN", "104", "Bhutan", "不丹"},
	{"BN", "BRN", "105", "Brunei", "文莱"},
	{"MM", "MMR", "106", "Myanmar", "缅甸"},
	{"KH", "KHM", "107", "Cambodia", "柬埔寨"},
	{"CY", "CYP", "108", "Cyprus", "塞浦路斯"},
	{"KP", "PRK", "109", "North Korea", "朝鲜"},
	{"HK", "HKG", "110", "Hong Kong, China", "中国香港"},
	{"IN", "IND", "111", "India", "印度"},
	{"ID", "IDN", "112", "Indonesia", "印度尼西亚"},
	{"IR", "IRN", "113", "Iran", "伊朗"},
	{"IQ", "IRQ", "114", "Iraq", "伊拉克"},
	{"IL", "ISR", "115", "Israel", "以色列"},
	{"JP", "JPN", "116", "Japan", "日本"},
	{"JO", "JOR", "117", "Jordan", "约旦"},
	{"KW", "KWT", "118", "Kuwait", "科威特"},
	{"LA", "LAO", "119", "Laos", "老挝"},
	{"LB", "LBN", "120", "Lebanon", "黎巴嫩"},
	{"MO", "MAC", "121", "Macao, China", "中国澳门"},
	{"MY", "MYS", "122", "Malaysia", "马来西亚"},
	{"MV", "MDV", "123", "Maldives", "马尔代夫"},
	{"MN", "MNG", "124", "Mongolia", "蒙古"},
	{"NP", "NPL", "125", "Nepal", "尼泊尔"},
	{"OM", "OMN", "126", "Oman", "阿曼"},
	{"PK", "PAK", "127", "Pakistan", "巴基斯坦"},
	{"PS", "PSE", "128", "Palestine", "巴勒斯坦"},
	{"PH", "PHL", "129", "Philippines", "菲律宾"},
	{"QA", "QAT", "130", "Qatar", "卡塔尔"},
	{"SA", "SAU", "131", "Saudi Arabia", "沙特阿拉伯"},
	{"SG", "SGP", "132", "Singapore", "新加坡"},
	{"KR", "KOR", "133", "South Korea", "韩国"},
	{"LK", "LKA", "134", "Sri Lanka", "斯里兰卡"},
	{"SY", "SYR", "135", "Syria", "叙利亚"},
	{"TH", "THA", "136", "Thailand", "泰国"},
	{"TR", "TUR", "137", "Türkiye", "土耳其"},
	{"AE", "ARE", "138", "United Arab Emirates", "阿联酋"},
	{"YE", "YEM", "139", "Yemen", "也门"},
	{"VN", "VNM", "141", "Viet Nam", "越南"},
	{"CN", "CHN", "142", "China", "中国"},
	{"TW", "TWN", "143", "Taiwan, China", "中国台湾"},
	{"TL", "TLS", "144", "Timor-Leste", "东帝汶"},
	{"KZ", "KAZ", "145", "Kazakhstan", "哈萨克斯坦"},
	{"KG", "KGZ", "146", "Kyrgyzstan", "吉尔吉斯斯坦"},
	{"TJ", "TJK", "147", "Tajikistan", "塔吉克斯坦"},
	{"TM", "TKM", "148", "Turkmenistan", "土库曼斯坦"},
	{"UZ", "UZB", "149", "Uzbekistan", "乌兹别克斯坦"},

	// Africa
	{"DZ", "DZA", "201", "Algeria", "阿尔及利亚"},
	{"AO", "AGO", "202", "Angola", "安哥拉"},
	{"BJ", "BEN", "203", "Benin", "贝宁"},
	{"BW", "BWA", "204", "Botswana", "博茨瓦纳"},
	{"BI", "BDI", "205", "Burundi", "布隆迪"},
	{"CM", "CMR", "206", "Cameroon", "喀麦隆"},
	{"CV", "CPV", "208", "Cabo Verde", "佛得角"},
	{"CF", "CAF", "209", "Central African Republic", "中非"},
	{"TD", "TCD", "211", "Chad", "乍得"},
	{"KM", "COM", "212", "Comoros", "科摩罗"},
	{"CG", "COG", "213", "Congo", "刚果（布）"},
	{"DJ", "DJI", "214", "Djibouti", "吉布提"},
	{"EG", "EGY", "215", "Egypt", "埃及"},
	{"GQ", "GNQ", "216", "Equatorial Guinea", "赤道几内亚"},
	{"ET", "ETH", "217", "Ethiopia", "埃塞俄比亚"},
	{"GA", "GAB", "218", "Gabon", "加蓬"},
	{"GM", "GMB", "219", "Gambia", "冈比亚"},
	{"GH", "GHA", "220", "Ghana", "加纳"},
	{"GN", "GIN", "221", "Guinea", "几内亚"},
	{"GW", "GNB", "222", "Guinea-Bissau", "几内亚比绍"},
	{"CI", "CIV", "223", "Côte d'Ivoire", "科特迪瓦"},
	{"KE", "KEN", "224", "Kenya", "肯尼亚"},
	{"LR", "LBR", "225", "Liberia", "利比里亚"},
	{"LY", "LBY", "226", "Libya", "利比亚"},
	{"MG", "MDG", "227", "Madagascar", "马达加斯加"},
	{"MW", "MWI", "228", "Malawi", "马拉维"},
	{"ML", "MLI", "229", "Mali", "马里"},
	{"MR", "MRT", "230", "Mauritania", "毛里塔尼亚"},
	{"MU", "MUS", "231", "Mauritius", "毛里求斯"},
	{"MA", "MAR", "232", "Morocco", "摩洛哥"},
	{"MZ", "MOZ", "233", "Mozambique", "莫桑比克"},
	{"NA", "NAM", "234", "Namibia", "纳米比亚"},
	{"NE", "NER", "235", "Niger", "尼日尔"},
	{"NG", "NGA", "236", "Nigeria", "尼日利亚"},
	{"RE", "REU", "237", "Réunion", "留尼汪"},
	{"RW", "RWA", "238", "Rwanda", "卢旺达"},
	{"ST", "STP", "239", "São Tomé and Príncipe", "圣多美和普林西比"},
	{"SN", "SEN", "240", "Senegal", "塞内加尔"},
	{"SC", "SYC", "241", "Seychelles", "塞舌尔"},
	{"SL", "SLE", "242", "Sierra Leone", "塞拉利昂"},
	{"SO", "SOM", "243", "Somalia", "索马里"},
	{"ZA", "ZAF", "244", "South Africa", "南非"},
	{"EH", "ESH", "245", "Western Sahara", "西撒哈拉"},
	{"SD", "SDN", "246", "Sudan", "苏丹"},
	{"TZ", "TZA", "247", "Tanzania", "坦桑尼亚"},
	{"TG", "TGO", "248", "Togo", "多哥"},
	{"TN", "TUN", "249", "Tunisia", "突尼斯"},
	{"UG", "UGA", "250", "Uganda", "乌干达"},
	{"BF", "BFA", "251", "Burkina Faso", "布基纳法索"},
	{"CD", "COD", "252", "Congo (Democratic Republic)", "刚果（金）"},
	{"ZM", "ZMB", "253", "Zambia", "赞比亚"},
	{"ZW", "ZWE", "254", "Zimbabwe", "津巴布韦"},
	{"LS", "LSO", "255", "Lesotho", "莱索托"},
	{"SZ", "SWZ", "257", "Eswatini", "斯威士兰"},
	{"ER", "ERI", "258", "Eritrea", "厄立特里亚"},
	{"YT", "MYT", "259", "Mayotte", "马约特"},

	// Europe
	{"BE", "BEL", "301", "Belgium", "比利时"},
	{"DK", "DNK", "302", "Denmark", "丹麦"},
	{"GB", "GBR", "303", "United Kingdom", "英国"},
	{"DE", "DEU", "304", "Germany", "德国"},
	{"FR", "FRA", "305", "France", "法国"},
	{"IE", "IRL", "306", "Ireland", "爱尔兰"},
	{"IT", "ITA", "307", "Italy", "意大利"},
	{"LU", "LUX", "308", "Luxembourg", "卢森堡"},
	{"NL", "NLD", "309", "Netherlands", "荷兰"},
	{"GR", "GRC", "310", "Greece", "希腊"},
	{"PT", "PRT", "311", "Portugal", "葡萄牙"},
	{"ES", "ESP", "312", "Spain", "西班牙"},
	{"AL", "ALB", "313", "Albania", "阿尔巴尼亚"},
	{"AD", "AND", "314", "Andorra", "安道尔"},
	{"AT", "AUT", "315", "Austria", "奥地利"},
	{"BG", "BGR", "316", "Bulgaria", "保加利亚"},
	{"FI", "FIN", "318", "Finland", "芬兰"},
	{"GI", "GIB", "320", "Gibraltar", "直布罗陀"},
	{"HU", "HUN", "321", "Hungary", "匈牙利"},
	{"IS", "ISL", "322", "Iceland", "冰岛"},
	{"LI", "LIE", "323", "Liechtenstein", "列支敦士登"},
	{"MT", "MLT", "324", "Malta", "马耳他"},
	{"MC", "MCO", "325", "Monaco", "摩纳哥"},
	{"NO", "NOR", "326", "Norway", "挪威"},
	{"PL", "POL", "327", "Poland", "波兰"},
	{"RO", "ROU", "328", "Romania", "罗马尼亚"},
	{"SM", "SMR", "329", "San Marino", "圣马力诺"},
	{"SE", "SWE", "330", "Sweden", "瑞典"},
	{"CH", "CHE", "331", "Switzerland", "瑞士"},
	{"EE", "EST", "334", "Estonia", "爱沙尼亚"},
	{"LV", "LVA", "335", "Latvia", "拉脱维亚"},
	{"LT", "LTU", "336", "Lithuania", "立陶宛"},
	{"GE", "GEO", "337", "Georgia", "格鲁吉亚"},
	{"AM", "ARM", "338", "Armenia", "亚美尼亚"},
	{"AZ", "AZE", "339", "Azerbaijan", "阿塞拜疆"},
	{"BY", "BLR", "340", "Belarus", "白俄罗斯"},
	{"MD", "MDA", "343", "Moldova", "摩尔多瓦"},
	{"RU", "RUS", "344", "Russia", "俄罗斯"},
	{"UA", "UKR", "347", "Ukraine", "乌克兰"},
	{"SI", "SVN", "350", "Slovenia", "斯洛文尼亚"},
	{"HR", "HRV", "351", "Croatia", "克罗地亚"},
	{"CZ", "CZE", "352", "Czechia", "捷克"},
	{"SK", "SVK", "353", "Slovakia", "斯洛伐克"},
	{"MK", "MKD", "354", "North Macedonia", "北马其顿"},
	{"BA", "BIH", "355", "Bosnia and Herzegovina", "波斯尼亚和黑塞哥维那"},
	{"VA", "VAT", "356", "Holy See (Vatican)", "梵蒂冈"},
	{"FO", "FRO", "357", "Faroe Islands", "法罗群岛"},
	{"RS", "SRB", "358", "Serbia", "塞尔维亚"},
	{"ME", "MNE", "359", "Montenegro", "黑山"},

	// Latin America
	{"AG", "ATG", "401", "Antigua and Barbuda", "安提瓜和巴布达"},
	{"AR", "ARG", "402", "Argentina", "阿根廷"},
	{"AW", "ABW", "403", "Aruba", "阿鲁巴"},
	{"BS", "BHS", "404", "Bahamas", "巴哈马"},
	{"BB", "BRB", "405", "Barbados", "巴巴多斯"},
	{"BZ", "BLZ", "406", "Belize", "伯利兹"},
	{"BO", "BOL", "408", "Bolivia", "玻利维亚"},
	{"BR", "BRA", "410", "Brazil", "巴西"},
	{"KY", "CYM", "411", "Cayman Islands", "开曼群岛"},
	{"CL", "CHL", "412", "Chile", "智利"},
	{"CO", "COL", "413", "Colombia", "哥伦比亚"},
	{"DM", "DMA", "414", "Dominica", "多米尼克"},
	{"CR", "CRI", "415", "Costa Rica", "哥斯达黎加"},
	{"CU", "CUB", "416", "Cuba", "古巴"},
	{"CW", "CUW", "417", "Curaçao", "库拉索"},
	{"DO", "DOM", "418", "Dominican Republic", "多米尼加"},
	{"EC", "ECU", "419", "Ecuador", "厄瓜多尔"},
	{"GF", "GUF", "420", "French Guiana", "法属圭亚那"},
	{"GD", "GRD", "421", "Grenada", "格林纳达"},
	{"GP", "GLP", "422", "Guadeloupe", "瓜德罗普"},
	{"GT", "GTM", "423", "Guatemala", "危地马拉"},
	{"GY", "GUY", "424", "Guyana", "圭亚那"},
	{"HT", "HTI", "425", "Haiti", "海地"},
	{"HN", "HND", "426", "Honduras", "洪都拉斯"},
	{"JM", "JAM", "427", "Jamaica", "牙买加"},
	{"MQ", "MTQ", "428", "Martinique", "马提尼克"},
	{"MX", "MEX", "429", "Mexico", "墨西哥"},
	{"MS", "MSR", "430", "Montserrat", "蒙特塞拉特"},
	{"NI", "NIC", "431", "Nicaragua", "尼加拉瓜"},
	{"PA", "PAN", "432", "Panama", "巴拿马"},
	{"PY", "PRY", "433", "Paraguay", "巴拉圭"},
	{"PE", "PER", "434", "Peru", "秘鲁"},
	{"PR", "PRI", "435", "Puerto Rico", "波多黎各"},
	{"LC", "LCA", "437", "Saint Lucia", "圣卢西亚"},
	{"VC", "VCT", "439", "Saint Vincent and the Grenadines", "圣文森特和格林纳丁斯"},
	{"SV", "SLV", "440", "El Salvador", "萨尔瓦多"},
	{"SR", "SUR", "441", "Suriname", "苏里南"},
	{"TT", "TTO", "442", "Trinidad and Tobago", "特立尼达和多巴哥"},
	{"TC", "TCA", "443", "Turks and Caicos Islands", "特克斯和凯科斯群岛"},
	{"UY", "URY", "444", "Uruguay", "乌拉圭"},
	{"VE", "VEN", "445", "Venezuela", "委内瑞拉"},
	{"VG", "VGB", "446", "British Virgin Islands", "英属维尔京群岛"},
	{"KN", "KNA", "447", "Saint Kitts and Nevis", "圣基茨和尼维斯"},
	{"PM", "SPM", "448", "Saint Pierre and Miquelon", "圣皮埃尔和密克隆"},

	// North America
	{"CA", "CAN", "501", "Canada", "加拿大"},
	{"US", "USA", "502", "United States", "美国"},
	{"GL", "GRL", "503", "Greenland", "格陵兰"},
	{"BM", "BMU", "504", "Bermuda", "百慕大"},

	// Oceania
	{"AU", "AUS", "601", "Australia", "澳大利亚"},
	{"CK", "COK", "602", "Cook Islands", "库克群岛"},
	{"FJ", "FJI", "603", "Fiji", "斐济"},
	{"NR", "NRU", "606", "Nauru", "瑙鲁"},
	{"NC", "NCL", "607", "New Caledonia", "新喀里多尼亚"},
	{"VU", "VUT", "608", "Vanuatu", "瓦努阿图"},
	{"NZ", "NZL", "609", "New Zealand", "新西兰"},
	{"NF", "NFK", "610", "Norfolk Island", "诺福克岛"},
	{"PG", "PNG", "611", "Papua New Guinea", "巴布亚新几内亚"},
	{"SB", "SLB", "613", "Solomon Islands", "所罗门群岛"},
	{"TO", "TON", "614", "Tonga", "汤加"},
	{"WS", "WSM", "617", "Samoa", "萨摩亚"},
	{"KI", "KIR", "618", "Kiribati", "基里巴斯"},
	{"TV", "TUV", "619", "Tuvalu", "图瓦卢"},
	{"FM", "FSM", "620", "Micronesia", "密克罗尼西亚联邦"},
	{"MH", "MHL", "621", "Marshall Islands", "马绍尔群岛"},
	{"PW", "PLW", "622", "Palau", "帕劳"},
	{"PF", "PYF", "623", "French Polynesia", "法属波利尼西亚"},
	{"WF", "WLF", "625", "Wallis and Futuna", "瓦利斯和富图纳"},
}

var (
	countryByAlpha2  = map[string]int{}
	countryByAlpha3  = map[string]int{}
	countryByCustoms = map[string]int{}
)

func init() {
	for i, c := range countryTable {
		countryByAlpha2[c.Alpha2] = i
		countryByAlpha3[c.Alpha3] = i
		countryByCustoms[c.Customs] = i
	}
}

// NormalizeCountry accepts an ISO 3166-1 alpha-2 ("de") or alpha-3 ("DEU") code, in any case and
// with surrounding spaces, and returns the country. Unknown codes, numeric codes and names are
// refused with code invalid_country; the field is left empty for the caller to name.
func NormalizeCountry(s string) (Country, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	var (
		i  int
		ok bool
	)
	switch len(s) {
	case 2:
		i, ok = countryByAlpha2[s]
	case 3:
		i, ok = countryByAlpha3[s]
	}
	if !ok {
		return Country{}, domain.InvalidField("", "invalid_country",
			"not a known ISO 3166-1 alpha-2 or alpha-3 country code")
	}
	return countryTable[i], nil
}

// LookupCustomsCountry finds a country by its 3-digit customs code ("344" → Russia), as read
// from a CEB message.
func LookupCustomsCountry(customs string) (Country, bool) {
	i, ok := countryByCustoms[customs]
	if !ok {
		return Country{}, false
	}
	return countryTable[i], true
}

// Countries lists every mapped country in customs-code order.
func Countries() []Country {
	out := slices.Clone(countryTable)
	slices.SortFunc(out, func(a, b Country) int { return strings.Compare(a.Customs, b.Customs) })
	return out
}

// CheckCountry normalises a required ISO country code to alpha-2, recording "required" or
// invalid_country against field; it returns what it was given when that is not a country.
func CheckCountry(v *domain.Violations, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		v.Add(field, "required", field+" is required")
		return ""
	}
	c, err := NormalizeCountry(s)
	if err != nil {
		v.AddError(field, err)
		return s
	}
	return c.Alpha2
}
