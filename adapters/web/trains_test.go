package web

import (
	"testing"

	"github.com/silkgate/silkgate/domain/rail"
)

// TestTrainLabels checks that every status, movement and container type the train pages label
// has its text, and that the form fields of a request's JSON paths land on the form's fields.
func TestTrainLabels(t *testing.T) {
	keys := []string{}
	for _, s := range []rail.DepartureStatus{rail.DepartureScheduled, rail.DepartureDeparted, rail.DepartureArrived, rail.DepartureCancelled} {
		keys = append(keys, keyDepartureStatus+string(s))
	}
	for _, s := range bookingStatuses {
		keys = append(keys, keyBookingStatus+string(s))
	}
	for _, e := range []rail.EventType{rail.EventDeparted, rail.EventBorderCrossed, rail.EventTransshipped, rail.EventArrived} {
		keys = append(keys, keyMovement+string(e))
	}
	for _, s := range []rail.TransportStatus{rail.NotDeparted, rail.InTransit, rail.Arrived} {
		keys = append(keys, keyTransport+string(s))
	}
	for _, c := range rail.ContainerTypes() {
		keys = append(keys, "book.type."+string(c))
	}
	for _, k := range keys {
		if _, ok := messages[k]; !ok {
			t.Errorf("the catalogue lacks %q", k)
		}
	}
	for in, want := range map[string]string{"hsCodes[3]": "hsCodes", "consignee.name": "consigneeName",
		"consignee.country": "consigneeCountry", "parcelIds[0]": "parcelIds", "grossKg": "grossKg"} {
		if got := fieldOfRequest(in); got != want {
			t.Errorf("fieldOfRequest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestContainerNoProblem names the check digit the rule expects, in both languages.
func TestContainerNoProblem(t *testing.T) {
	if got := containerNoProblem(LangEn, "csqu 305438-4"); got != "The check digit of CSQU305438 is 3, not 4." {
		t.Errorf("en: %q", got)
	}
	if got := containerNoProblem(LangZh, "CSQU3054384"); got != "CSQU305438 的校验码应为 3，而不是 4。" {
		t.Errorf("zh: %q", got)
	}
	if got := containerNoProblem(LangEn, "CSQX3054384"); got != T(LangEn, "err.invalid_container_no") {
		t.Errorf("malformed: %q", got)
	}
}
