import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.understanding.tfidf import TfidfTransform

FIT = [
    "do you take aetna",
    "what are your hours on saturday",
    "is there an evening group near me",
    "how much does the program cost",
    "do you take medi-cal or medicare",
]
ASKED = ["do you take cigna", "evening evening evening group", "", "zzz unseen words only", "Hours? Saturday!"]


@pytest.mark.parametrize(
    "vectorizer",
    [
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=False),
    ],
)
def test_the_same_figures_as_scikit_learn(vectorizer: TfidfVectorizer) -> None:
    vectorizer.fit(FIT)
    ours = TfidfTransform(vectorizer)(ASKED)
    theirs = vectorizer.transform(ASKED)
    assert ours.shape == theirs.shape
    assert np.abs((ours - theirs).toarray()).max() < 1e-12
    assert ours.nnz == theirs.nnz


def test_vectorizers_it_would_get_wrong_are_refused() -> None:
    with pytest.raises(ValueError, match="supports"):
        TfidfTransform(TfidfVectorizer(norm="l1").fit(FIT))
