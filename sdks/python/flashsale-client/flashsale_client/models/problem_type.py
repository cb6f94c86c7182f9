from typing import Literal

ProblemType = Literal[
    "urn:flashsale:problem:above-limit",
    "urn:flashsale:problem:already-purchased",
    "urn:flashsale:problem:bad-request",
    "urn:flashsale:problem:forbidden",
    "urn:flashsale:problem:headers-too-large",
    "urn:flashsale:problem:idempotency-key-in-use",
    "urn:flashsale:problem:idempotency-key-reused",
    "urn:flashsale:problem:internal",
    "urn:flashsale:problem:method-not-allowed",
    "urn:flashsale:problem:not-found",
    "urn:flashsale:problem:order-not-cancellable",
    "urn:flashsale:problem:order-not-payable",
    "urn:flashsale:problem:outcome-unknown",
    "urn:flashsale:problem:overloaded",
    "urn:flashsale:problem:payload-too-large",
    "urn:flashsale:problem:payment-id-used",
    "urn:flashsale:problem:rate-limited",
    "urn:flashsale:problem:sale-ended",
    "urn:flashsale:problem:sale-exists",
    "urn:flashsale:problem:sale-not-started",
    "urn:flashsale:problem:sold-out",
    "urn:flashsale:problem:unauthorized",
    "urn:flashsale:problem:unavailable",
    "urn:flashsale:problem:unsupported-media-type",
    "urn:flashsale:problem:uri-too-long",
    "urn:flashsale:problem:validation-failed",
    "urn:flashsale:problem:webhook-signature-invalid",
    "urn:flashsale:problem:webhook-timestamp-outside-tolerance",
]

PROBLEM_TYPE_VALUES: set[ProblemType] = {
    "urn:flashsale:problem:above-limit",
    "urn:flashsale:problem:already-purchased",
    "urn:flashsale:problem:bad-request",
    "urn:flashsale:problem:forbidden",
    "urn:flashsale:problem:headers-too-large",
    "urn:flashsale:problem:idempotency-key-in-use",
    "urn:flashsale:problem:idempotency-key-reused",
    "urn:flashsale:problem:internal",
    "urn:flashsale:problem:method-not-allowed",
    "urn:flashsale:problem:not-found",
    "urn:flashsale:problem:order-not-cancellable",
    "urn:flashsale:problem:order-not-payable",
    "urn:flashsale:problem:outcome-unknown",
    "urn:flashsale:problem:overloaded",
    "urn:flashsale:problem:payload-too-large",
    "urn:flashsale:problem:payment-id-used",
    "urn:flashsale:problem:rate-limited",
    "urn:flashsale:problem:sale-ended",
    "urn:flashsale:problem:sale-exists",
    "urn:flashsale:problem:sale-not-started",
    "urn:flashsale:problem:sold-out",
    "urn:flashsale:problem:unauthorized",
    "urn:flashsale:problem:unavailable",
    "urn:flashsale:problem:unsupported-media-type",
    "urn:flashsale:problem:uri-too-long",
    "urn:flashsale:problem:validation-failed",
    "urn:flashsale:problem:webhook-signature-invalid",
    "urn:flashsale:problem:webhook-timestamp-outside-tolerance",
}


def check_problem_type(value: str) -> ProblemType:
    if value in PROBLEM_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROBLEM_TYPE_VALUES!r}")
