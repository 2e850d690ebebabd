"""Closed-form results from the selection, reliability and group-decision literature.

Every function here is a pure function of numbers or arrays. The simulation engine is
tested against these exact answers, and widgets use them as a fast path.

Functions
---------
spearman_brown
    Reliability of the mean of ``k`` parallel raters (Spearman 1910; Brown 1910).
bivariate_normal_cdf
    Standard bivariate normal CDF via Owen's T function (Owen 1956).
taylor_russell
    Success ratio of a selection procedure (Taylor & Russell 1939).
naylor_shine
    Mean standardised criterion score of those selected (Naylor & Shine 1965).
bcg_utility
    Brogden-Cronbach-Gleser dollar utility of a selection procedure.
icc
    The six Shrout & Fleiss (1979) intraclass correlations with F tests and intervals.
condorcet_majority
    Accuracy of a simple majority of independent voters (Condorcet jury theorem).
cascade_probabilities
    Informational cascades in sequential public votes (Bikhchandani, Hirshleifer &
    Welch 1992).

References
----------
Bikhchandani, S., Hirshleifer, D., & Welch, I. (1992). A theory of fads, fashion,
custom, and cultural change as informational cascades. Journal of Political Economy,
100(5), 992-1026.

Cronbach, L. J., & Gleser, G. C. (1965). Psychological tests and personnel decisions
(2nd ed.). University of Illinois Press.

McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
correlation coefficients. Psychological Methods, 1(1), 30-46.

Naylor, J. C., & Shine, L. C. (1965). A table for determining the increase in mean
criterion score obtained by using a selection device. Journal of Industrial
Psychology, 3, 33-42.

Owen, D. B. (1956). Tables for computing bivariate normal probabilities. Annals of
Mathematical Statistics, 27(4), 1075-1090.

Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
rater reliability. Psychological Bulletin, 86(2), 420-428.

Taylor, H. C., & Russell, J. T. (1939). The relationship of validity coefficients to
the practical effectiveness of tests in selection. Journal of Applied Psychology,
23(5), 565-578.
"""

from .groups import CascadeProbabilities, cascade_probabilities, condorcet_majority
from .normal import bivariate_normal_cdf
from .reliability import ICC_FORMS, icc, spearman_brown
from .selection import bcg_utility, naylor_shine, taylor_russell

__all__ = [
    "ICC_FORMS",
    "CascadeProbabilities",
    "bcg_utility",
    "bivariate_normal_cdf",
    "cascade_probabilities",
    "condorcet_majority",
    "icc",
    "naylor_shine",
    "spearman_brown",
    "taylor_russell",
]
