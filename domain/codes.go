package domain

// The error codes the service's own control flow decides on, declared once: code that reacts to
// one of them asks errors.Is(err, ErrX), never compares strings. Each sentinel carries no kind,
// so it matches the code whatever kind the error was raised with.
const (
	CodeInternal          Code = "internal"           // a fault of ours
	CodeIllegalTransition Code = "illegal_transition" // a state machine refused the move
	CodeDepartureExists   Code = "departure_exists"   // a line's train is planned that day already
	CodeDeclarationExists Code = "declaration_exists" // a declaration with this id is stored
	CodeDepartureFull     Code = "departure_full"     // the train cannot take the booking
	CodeWaitlistFull      Code = "waitlist_full"      // its waiting list holds a train's worth already
	CodeBookingClosed     Code = "booking_closed"     // outside the booking window, or the train is gone
)

// Sentinels for errors.Is.
var (
	ErrIllegalTransition = &Error{Code: CodeIllegalTransition}
	ErrDepartureExists   = &Error{Code: CodeDepartureExists}
	ErrDeclarationExists = &Error{Code: CodeDeclarationExists}
	ErrDepartureFull     = &Error{Code: CodeDepartureFull}
	ErrBookingClosed     = &Error{Code: CodeBookingClosed}
)
