package code_test

import (
	"strings"
	"testing"

	"github.com/silkgate/silkgate/domain/code"
)

func TestCheckUnit(t *testing.T) {
	for _, u := range []string{"001", "006", "007", "011", "025", "035", "036", "070", "095", "120", "140", "142", "149", "163"} {
		if err := code.CheckUnit(u); err != nil {
			t.Errorf("CheckUnit(%q): %v", u, err)
		}
	}
	for _, u := range []string{"", "7", "07", "0070", "000", "024", "064", "082", "100", "150", "164", "999", "abc", " 007", "007 ", "个"} {
		err := code.CheckUnit(u)
		if err == nil {
			t.Errorf("CheckUnit(%q) succeeded", u)
			continue
		}
		assertInvalidCode(t, "CheckUnit("+u+")", err, "invalid_unit")
	}
}

func TestUnitNames(t *testing.T) {
	if got := code.UnitName("035"); got != "千克" {
		t.Errorf("UnitName(035) = %q", got)
	}
	if got := code.UnitName("007"); got != "个" {
		t.Errorf("UnitName(007) = %q", got)
	}
	if got := code.UnitName("999"); got != "" {
		t.Errorf("UnitName(999) = %q", got)
	}
	u, ok := code.LookupUnit("025")
	if !ok || u != (code.Unit{Code: "025", NameZh: "双", NameEn: "pair"}) {
		t.Errorf("LookupUnit(025) = %+v, %v", u, ok)
	}
	if _, ok := code.LookupUnit(""); ok {
		t.Error("LookupUnit(\"\") found something")
	}
}

func TestUnitTableMatchesCustomsTable(t *testing.T) {
	// The customs unit table (计量单位代码) as given in the project brief.
	want := map[string]string{
		"001": "台", "002": "座", "003": "辆", "004": "艘", "005": "架", "006": "套", "007": "个", "008": "只",
		"009": "头", "010": "张", "011": "件", "012": "支", "013": "枝", "014": "根", "015": "条", "016": "把",
		"017": "块", "018": "卷", "019": "副", "020": "片", "021": "组", "022": "份", "023": "幅", "025": "双",
		"026": "对", "027": "棵", "028": "株", "029": "井", "030": "米", "031": "盘", "032": "平方米", "033": "立方米",
		"034": "筒", "035": "千克", "036": "克", "037": "盆", "038": "万个", "039": "具", "040": "百副", "041": "百支",
		"042": "百把", "043": "百个", "044": "百片", "045": "刀", "046": "疋", "047": "公担", "048": "扇", "049": "百枝",
		"050": "千只", "051": "千块", "052": "千盒", "053": "千枝", "054": "千个", "055": "亿支", "056": "亿个",
		"057": "万套", "058": "千张", "059": "万张", "060": "千伏安", "061": "千瓦", "062": "千瓦时", "063": "千升",
		"067": "英尺", "070": "吨", "071": "长吨", "072": "短吨", "073": "司马担", "074": "司马斤", "075": "斤",
		"076": "磅", "077": "担", "078": "英担", "079": "短担", "080": "两", "081": "市担", "083": "盎司", "084": "克拉",
		"085": "市尺", "086": "码", "088": "英寸", "089": "寸", "095": "升", "096": "毫升", "097": "英加仑",
		"098": "美加仑", "099": "立方英尺", "101": "立方尺", "110": "平方码", "111": "平方英尺", "112": "平方尺",
		"115": "英制马力", "116": "公制马力", "118": "令", "120": "箱", "121": "批", "122": "罐", "123": "桶",
		"124": "扎", "125": "包", "126": "箩", "127": "打", "128": "筐", "129": "罗", "130": "匹", "131": "册",
		"132": "本", "133": "发", "134": "枚", "135": "捆", "136": "袋", "139": "粒", "140": "盒", "141": "合",
		"142": "瓶", "143": "千支", "144": "万双", "145": "万粒", "146": "千粒", "147": "千米", "148": "千英尺",
		"149": "百万贝可", "163": "部",
	}
	units := code.Units()
	if len(units) != len(want) {
		t.Errorf("%d units, want %d", len(units), len(want))
	}
	prev := ""
	for _, u := range units {
		if want[u.Code] != u.NameZh {
			t.Errorf("unit %s = %s, want %s", u.Code, u.NameZh, want[u.Code])
		}
		if u.NameEn == "" || len(u.Code) != 3 || strings.Trim(u.Code, "0123456789") != "" {
			t.Errorf("unit %+v malformed", u)
		}
		if u.Code <= prev {
			t.Errorf("units not in code order at %s", u.Code)
		}
		prev = u.Code
	}
}
