// Package rail models Silkgate's scheduled freight trains the way the DDD cargo sample models
// cargo: lines (routes) with an itinerary, departures (voyages) with capacity and reported
// movements (handling events), bookings of container space, and a delivery state derived from
// the itinerary and the events.
//
//   - Line: seed data the operator edits (SeedLines, ValidateLine, UpdateLine); its itinerary
//     says where the train goes and which event is expected where, at which day offset.
//   - Departure: one train of a line (NewDeparture; WeeklyDepartures and DepartureIDFor plan a
//     timetable idempotently). It copies the line's itinerary, holds the capacity counters, the
//     booking window (opens 14 days before, closes 3 working days before: WorkingDaysBefore)
//     and the movement events in their legal order (RecordEvent, CheckNextEvent).
//   - Capacity: confirmedTEU ≤ capacityTEU and cargoKg ≤ maxCargoKg at every moment. Fits is the
//     predicate; DepartureRepository.Reserve / Release apply it as one single-document
//     conditional update each, so no transaction is needed (docs/architecture.md §2).
//   - Booking: requested → confirmed | waitlisted → … ; the containers asked for are checked by
//     CheckBookingLoad (TEU, pairs of 20 ft boxes, weight limits), the boxes loaded by
//     LoadContainer (ISO 6346 numbers: CheckContainerNo).
//   - Delivery: DeriveDelivery, a pure function of line, schedule, events and now.
//
// Behaviour is methods that refuse illegal moves with a domain.Error; ids and times are passed
// in. Aggregates append domain.Events to their outbox for the store to write with the change;
// …FromDatabase rebuilds a stored one without checking it again.
package rail
