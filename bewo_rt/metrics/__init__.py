"""Spatial metrics for binaural clips: GCC-PHAT ITD / ILD features, calibrated azimuth
estimates, trajectory summaries, BEWO's GCC MSE and a Frechet spatial distance.

Signs: ITD = t_left - t_right, ILD = right - left (dB), azimuth negative = left; all three
positive for a source on the right. See features.py for the analysis settings.
"""
from .calibration import CalibrationTable, build_table, calibration_table, estimate_azimuth, woodworth_azimuth
from .features import FeatureConfig, WindowFeatures, as_stereo, gcc_phat, window_features
from .frechet import frechet_distance, gaussian_fit, spatial_frechet
from .intended import azimuth_at, fold_lateral, keyframes_of
from .setmetrics import CENTRE_DEG, direction_error_deg, evaluate_set, gcc_mse, lcr_accuracy, lcr_class, motion_accuracy
from .trajectory import ClipAnalysis, analyze, direction_of, summarise

__all__ = ["FeatureConfig", "WindowFeatures", "as_stereo", "gcc_phat", "window_features", "CalibrationTable",
           "build_table", "calibration_table", "estimate_azimuth", "woodworth_azimuth", "ClipAnalysis", "analyze",
           "direction_of", "summarise", "azimuth_at", "fold_lateral", "keyframes_of", "frechet_distance",
           "gaussian_fit", "spatial_frechet", "gcc_mse", "direction_error_deg", "lcr_class", "lcr_accuracy",
           "motion_accuracy", "evaluate_set", "CENTRE_DEG"]
