"""The re-ranking model's weights, one for each of ``rerank.FEATURES``.
Written by bench/train_ranker.py; do not edit by hand."""

WEIGHTS = (
    2.5783,  # bm25
    0.0,  # every_word
    -3.842,  # coverage
    5.3889,  # rare_coverage
    0.5243,  # exact
    0.0,  # together
    0.1183,  # density
    0.0,  # lead
    3.6452,  # rare_lead
    0.1419,  # length
    2.1139,  # asks_time
    1.9442,  # asks_number
    2.2153,  # asks_person
    1.7035,  # asks_place
    -0.5665,  # asks_reason
    -0.8023,  # names
)
TYPICAL = 4.2949  # the mean of WEIGHTS · features over the answers trained on
