package domain

import (
	"strconv"
	"time"
)

// Event is something that happened to an aggregate. Aggregates append events to their outbox in
// the same single-document write as the state change; a relay publishes and then removes them,
// so that no event is lost between "state changed" and "event published" (docs/architecture.md §3).
type Event struct {
	ID        string         `json:"id"`
	Type      string         `json:"type"` // e.g. "org.registered", "parcel.declared"
	Aggregate string         `json:"aggregate"`
	SubjectID string         `json:"subjectId"`
	At        time.Time      `json:"at"`
	Data      map[string]any `json:"data,omitempty"`
}

// NewEvent makes the event an aggregate records. Its id is derived from the aggregate, the
// version the change will be stored as, and the event's place in the outbox, so that it is
// unique without a generator and stable if the same change is replayed.
func NewEvent(aggregate, subjectID string, nextVersion int64, seq int, typ string, at time.Time, data map[string]any) Event {
	return Event{
		ID:   aggregate + ":" + subjectID + ":" + strconv.FormatInt(nextVersion, 10) + ":" + strconv.Itoa(seq),
		Type: typ, Aggregate: aggregate, SubjectID: subjectID, At: at.UTC(), Data: data,
	}
}
