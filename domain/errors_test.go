package domain

import (
	"errors"
	"fmt"
	"testing"
)

func TestSentinelsMatchByCode(t *testing.T) {
	raised := Errorf(KindFailedPrecondition, CodeIllegalTransition, "parcel %s cannot move", "p1")
	wrapped := fmt.Errorf("update: %w", raised)
	if !errors.Is(wrapped, ErrIllegalTransition) {
		t.Error("a wrapped illegal_transition is not recognised")
	}
	if errors.Is(wrapped, ErrBookingClosed) || errors.Is(errors.New("illegal_transition"), ErrIllegalTransition) {
		t.Error("only an *Error with the same code matches")
	}
	if !errors.Is(raised, &Error{Kind: KindFailedPrecondition, Code: CodeIllegalTransition}) ||
		errors.Is(raised, &Error{Kind: KindConflict, Code: CodeIllegalTransition}) {
		t.Error("a target with a kind matches that kind only")
	}
	if CodeOf(wrapped) != CodeIllegalTransition || CodeOf(errors.New("x")) != CodeInternal {
		t.Errorf("CodeOf: %s, %s", CodeOf(wrapped), CodeOf(errors.New("x")))
	}
}
