/** Chart.js with only the parts the charts use (line charts on linear/log axes, the std band, tooltips). */
import { Chart, Filler, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Filler, Tooltip);

export { Chart };
