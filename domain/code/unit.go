package code

import (
	"slices"

	"github.com/silkgate/silkgate/domain"
)

// Unit is a customs measurement unit (计量单位): the 3-digit code that CEB and declarations carry
// in unit, unit1 and unit2, with its Chinese name and an English gloss.
type Unit struct {
	Code   string
	NameZh string
	NameEn string
}

// unitTable is the customs unit code table (gaps in the numbering are codes customs does not
// use, or no longer uses).
var unitTable = []Unit{
	{"001", "台", "set (machine)"},
	{"002", "座", "seat (installation)"},
	{"003", "辆", "vehicle"},
	{"004", "艘", "vessel"},
	{"005", "架", "aircraft"},
	{"006", "套", "set"},
	{"007", "个", "piece"},
	{"008", "只", "piece (small article)"},
	{"009", "头", "head"},
	{"010", "张", "sheet"},
	{"011", "件", "article"},
	{"012", "支", "stick"},
	{"013", "枝", "stem"},
	{"014", "根", "rod"},
	{"015", "条", "strip"},
	{"016", "把", "handle"},
	{"017", "块", "block"},
	{"018", "卷", "roll"},
	{"019", "副", "pair (set)"},
	{"020", "片", "slice"},
	{"021", "组", "group"},
	{"022", "份", "portion"},
	{"023", "幅", "panel"},
	{"025", "双", "pair"},
	{"026", "对", "couple"},
	{"027", "棵", "tree"},
	{"028", "株", "plant"},
	{"029", "井", "well"},
	{"030", "米", "metre"},
	{"031", "盘", "coil"},
	{"032", "平方米", "square metre"},
	{"033", "立方米", "cubic metre"},
	{"034", "筒", "tube"},
	{"035", "千克", "kilogram"},
	{"036", "克", "gram"},
	{"037", "盆", "pot"},
	{"038", "万个", "10,000 pieces"},
	{"039", "具", "unit (apparatus)"},
	{"040", "百副", "100 pairs (sets)"},
	{"041", "百支", "100 sticks"},
	{"042", "百把", "100 handles"},
	{"043", "百个", "100 pieces"},
	{"044", "百片", "100 slices"},
	{"045", "刀", "quire (paper)"},
	{"046", "疋", "bolt (cloth)"},
	{"047", "公担", "quintal (100 kg)"},
	{"048", "扇", "leaf (door, window)"},
	{"049", "百枝", "100 stems"},
	{"050", "千只", "1,000 pieces (small articles)"},
	{"051", "千块", "1,000 blocks"},
	{"052", "千盒", "1,000 boxes"},
	{"053", "千枝", "1,000 stems"},
	{"054", "千个", "1,000 pieces"},
	{"055", "亿支", "100 million sticks"},
	{"056", "亿个", "100 million pieces"},
	{"057", "万套", "10,000 sets"},
	{"058", "千张", "1,000 sheets"},
	{"059", "万张", "10,000 sheets"},
	{"060", "千伏安", "kilovolt-ampere"},
	{"061", "千瓦", "kilowatt"},
	{"062", "千瓦时", "kilowatt-hour"},
	{"063", "千升", "kilolitre"},
	{"067", "英尺", "foot"},
	{"070", "吨", "tonne"},
	{"071", "长吨", "long ton"},
	{"072", "短吨", "short ton"},
	{"073", "司马担", "picul"},
	{"074", "司马斤", "catty"},
	{"075", "斤", "jin (500 g)"},
	{"076", "磅", "pound"},
	{"077", "担", "dan (50 kg)"},
	{"078", "英担", "long hundredweight"},
	{"079", "短担", "short hundredweight"},
	{"080", "两", "liang (50 g)"},
	{"081", "市担", "shi dan (50 kg)"},
	{"083", "盎司", "ounce"},
	{"084", "克拉", "carat"},
	{"085", "市尺", "chi (1/3 m)"},
	{"086", "码", "yard"},
	{"088", "英寸", "inch"},
	{"089", "寸", "cun"},
	{"095", "升", "litre"},
	{"096", "毫升", "millilitre"},
	{"097", "英加仑", "imperial gallon"},
	{"098", "美加仑", "US gallon"},
	{"099", "立方英尺", "cubic foot"},
	{"101", "立方尺", "cubic chi"},
	{"110", "平方码", "square yard"},
	{"111", "平方英尺", "square foot"},
	{"112", "平方尺", "square chi"},
	{"115", "英制马力", "imperial horsepower"},
	{"116", "公制马力", "metric horsepower"},
	{"118", "令", "ream"},
	{"120", "箱", "case"},
	{"121", "批", "batch"},
	{"122", "罐", "can"},
	{"123", "桶", "barrel"},
	{"124", "扎", "bundle"},
	{"125", "包", "package"},
	{"126", "箩", "basket (luo)"},
	{"127", "打", "dozen"},
	{"128", "筐", "basket"},
	{"129", "罗", "gross (144)"},
	{"130", "匹", "bolt"},
	{"131", "册", "volume"},
	{"132", "本", "copy"},
	{"133", "发", "round"},
	{"134", "枚", "piece (coin, stamp)"},
	{"135", "捆", "bale"},
	{"136", "袋", "bag"},
	{"139", "粒", "grain"},
	{"140", "盒", "box"},
	{"141", "合", "case (he)"},
	{"142", "瓶", "bottle"},
	{"143", "千支", "1,000 sticks"},
	{"144", "万双", "10,000 pairs"},
	{"145", "万粒", "10,000 grains"},
	{"146", "千粒", "1,000 grains"},
	{"147", "千米", "kilometre"},
	{"148", "千英尺", "1,000 feet"},
	{"149", "百万贝可", "megabecquerel"},
	{"163", "部", "unit (set)"},
}

var unitByCode = map[string]int{}

func init() {
	for i, u := range unitTable {
		unitByCode[u.Code] = i
	}
}

// CheckUnit accepts a 3-digit customs unit code from the table ("007" 个, "035" 千克); anything
// else is refused with code invalid_unit.
func CheckUnit(code string) error {
	if _, ok := unitByCode[code]; !ok {
		return domain.InvalidField("", "invalid_unit", "not a customs measurement unit code (3 digits, e.g. 007 or 035)")
	}
	return nil
}

// LookupUnit finds a unit by its code.
func LookupUnit(code string) (Unit, bool) {
	i, ok := unitByCode[code]
	if !ok {
		return Unit{}, false
	}
	return unitTable[i], true
}

// UnitName is the Chinese name of a unit ("035" → "千克"), or "" for an unknown code.
func UnitName(code string) string {
	u, _ := LookupUnit(code)
	return u.NameZh
}

// Units lists every unit in code order.
func Units() []Unit {
	return slices.Clone(unitTable)
}
