package mongo

import (
	"testing"
	"time"

	"github.com/silkgate/silkgate/domain/rail"
)

// The read-change-write of a departure must not write back the capacity fields that Reserve,
// Release and the waiting list change in place: on MongoDB a reservation landing between an
// update's read and its write would otherwise be undone.
func TestDepartureUpdateLeavesCapacityFieldsAlone(t *testing.T) {
	line, err := rail.ValidateLine(rail.SeedLines()[0])
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	d, err := rail.NewDeparture("dep_XHO_1", line, rail.DepartureInput{DepartsAt: now.Add(240 * time.Hour)}, now)
	if err != nil {
		t.Fatal(err)
	}
	set, err := setFor(departureToDoc(d))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range (departureDoc{}).managed() {
		if _, ok := set[f]; ok {
			t.Errorf("an update writes %s", f)
		}
	}
	if _, ok := set["status"]; !ok {
		t.Error("an update does not write the status")
	}
}
