package rail

import (
	"testing"
	"time"
)

// Every seed line leaves China through an exit office: a rail line at its border crossing (by
// railway), a rail–sea line at its port (by waterway); configuration overrides a code.
func TestEverySeedLineHasAnExitOffice(t *testing.T) {
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i, l := range SeedLines() {
		l, err := ValidateLine(l)
		if err != nil {
			t.Fatalf("%s: %v", l.Code, err)
		}
		d, err := NewDeparture("dep_"+l.Code, l, DepartureInput{DepartsAt: at.AddDate(0, 0, 20+i)}, at)
		if err != nil {
			t.Fatalf("%s: %v", l.Code, err)
		}
		o, ok := d.Exit(nil)
		want := map[Mode]string{ModeRail: l.Border, ModeRailSea: l.Port}[l.Mode]
		if !ok || o.Location != want || len(o.Customs) != 4 || o.Name == "" {
			t.Errorf("%s: exit %+v, want the office at %s", l.Code, o, want)
		}
		if wantMode := map[Mode]string{ModeRail: TrafModeRailway, ModeRailSea: TrafModeWaterway}[l.Mode]; o.TrafMode != wantMode {
			t.Errorf("%s: leaves by %s, want %s", l.Code, o.TrafMode, wantMode)
		}
		if d.Terminus().Location != l.Destination {
			t.Errorf("%s: terminus %s, want %s", l.Code, d.Terminus().Location, l.Destination)
		}
	}
	if o, _ := ExitOfficeAt("QINZHOU", map[string]string{"QINZHOU": "7206"}); o.Customs != "7206" {
		t.Errorf("override: %+v", o)
	}
	if _, ok := ExitOfficeAt("DUISBURG", nil); ok {
		t.Error("Duisburg is no Chinese exit office")
	}
}
