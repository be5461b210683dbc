import uPlot from "uplot"; window.X = uPlot;
