package rail

// ExitOffice is the customs office where a train's goods leave China's customs territory: the
// office at the land border crossing of a rail line, or at the sea port where a rail–sea line's
// boxes go aboard ship. An export inventory list names it as its portCode (出口口岸代码, "the
// customs office where the goods actually leave", JGS/T 18 关区代码), and the train's departure
// document (CEB509) is filed with it.
type ExitOffice struct {
	Location string // the itinerary location (a BorderCrossings or SeaPorts entry)
	Customs  string // the customs district code, 4 digits (JGS/T 18)
	Name     string // the office's Chinese name
	NameEn   string
	TrafMode string // JGS-20 transport mode across that exit: 3 railway, 2 waterway
	Note     string // how sure the code is (docs/customs.md §7)
}

// Transport modes at the exit (JGS-20).
const (
	TrafModeRailway  = "3"
	TrafModeWaterway = "2"
)

// exitOffices are the offices at the seed lines' border crossings and sea ports. The codes follow
// the JGS/T 18 rule (two digits of the directly-administered customs, two of the subordinate
// office); they come from public copies of the customs district table and are marked [U] until
// checked against the table in force — SILKGATE_EXIT_CUSTOMS overrides any of them without a
// release (config). Where no subordinate office code was found the directly-administered
// customs stands for it, which the table allows only when it has no subordinate office: correct
// those before production.
var exitOffices = map[string]ExitOffice{
	"ALASHANKOU": {Customs: "9402", Name: "阿拉山口海关", NameEn: "Alashankou Customs", TrafMode: TrafModeRailway,
		Note: "[U] Urumqi customs district 94, subordinate office 02"},
	"KHORGOS": {Customs: "9403", Name: "霍尔果斯海关", NameEn: "Khorgos Customs", TrafMode: TrafModeRailway,
		Note: "[U] Urumqi customs district 94, subordinate office 03"},
	"ERENHOT": {Customs: "0702", Name: "二连海关", NameEn: "Erenhot Customs", TrafMode: TrafModeRailway,
		Note: "[U] Hohhot customs district 07, subordinate office 02"},
	"MANZHOULI": {Customs: "0601", Name: "满洲里海关", NameEn: "Manzhouli Customs", TrafMode: TrafModeRailway,
		Note: "[U] Manzhouli customs district 06, its own office 01"},
	"QINZHOU": {Customs: "7200", Name: "南宁海关（钦州港）", NameEn: "Nanning Customs (Qinzhou Port)", TrafMode: TrafModeWaterway,
		Note: "[U] Nanning customs district 72; the Qinzhou Port office's own code is to be set"},
	"NINGBO": {Customs: "3100", Name: "宁波海关（宁波舟山港）", NameEn: "Ningbo Customs (Ningbo-Zhoushan Port)", TrafMode: TrafModeWaterway,
		Note: "[U] Ningbo customs district 31; the port office's own code is to be set"},
	"SHANGHAI": {Customs: "2200", Name: "上海海关（上海港）", NameEn: "Shanghai Customs (Port of Shanghai)", TrafMode: TrafModeWaterway,
		Note: "[U] Shanghai customs district 22; the port office's own code is to be set"},
	"XIAMEN": {Customs: "3700", Name: "厦门海关（厦门港）", NameEn: "Xiamen Customs (Port of Xiamen)", TrafMode: TrafModeWaterway,
		Note: "[U] Xiamen customs district 37; the port office's own code is to be set"},
}

// ExitOfficeAt is the exit office at a location, with the district code overridden by
// overrides[location] when set.
func ExitOfficeAt(location string, overrides map[string]string) (ExitOffice, bool) {
	o, ok := exitOffices[location]
	if !ok {
		return ExitOffice{}, false
	}
	o.Location = location
	if c := overrides[location]; c != "" {
		o.Customs, o.Note = c, "set by configuration"
	}
	return o, true
}

// ExitLocations are the locations that have an exit office.
func ExitLocations() []string {
	out := make([]string, 0, len(exitOffices))
	for loc := range exitOffices {
		out = append(out, loc)
	}
	return out
}

// Exit is where this train's goods leave China: the first stop of its itinerary with an exit
// office (a line's border crossing or sea port). false for an itinerary without one.
func (d *Departure) Exit(overrides map[string]string) (ExitOffice, bool) {
	for _, s := range d.itinerary {
		if o, ok := ExitOfficeAt(s.Location, overrides); ok {
			return o, true
		}
	}
	return ExitOffice{}, false
}

// Terminus is the last stop of the train's itinerary: where its boxes are unloaded.
func (d *Departure) Terminus() Stop {
	if len(d.itinerary) == 0 {
		return Stop{}
	}
	return d.itinerary[len(d.itinerary)-1]
}
