<?php
/**
 * Settings → Corrigo: the address, the site key (checked with Corrigo), the article,
 * the caption, where the widget loads, and the dashboard widget's read-only token.
 *
 * @package Corrigo
 */

defined( 'ABSPATH' ) || exit;

/**
 * Adds Settings → Corrigo.
 */
function corrigo_add_settings_page() {
	add_options_page( __( 'Corrigo', 'corrigo' ), __( 'Corrigo', 'corrigo' ), 'manage_options', 'corrigo', 'corrigo_render_settings_page' );
}
add_action( 'admin_menu', 'corrigo_add_settings_page' );

/**
 * Registers the option with its sanitiser (the Settings API checks the nonce and capability).
 */
function corrigo_register_setting() {
	register_setting(
		'corrigo',
		CORRIGO_OPTION,
		array(
			'type'              => 'array',
			'sanitize_callback' => 'corrigo_sanitize_form',
			'default'           => corrigo_defaults(),
		)
	);
}
add_action( 'admin_init', 'corrigo_register_setting' );

/**
 * The settings form's values, cleaned, with the key and the token checked against Corrigo.
 *
 * @param mixed $input The submitted values.
 * @return array
 */
function corrigo_sanitize_form( $input ) {
	// WordPress sanitises a new option twice (update_option, then add_option): check once.
	static $done = null;
	if ( null !== $done ) {
		return $done;
	}
	$input = is_array( $input ) ? $input : array();
	$old   = corrigo_options();
	$clean = $old;

	$url          = isset( $input['url'] ) ? esc_url_raw( trim( (string) $input['url'] ), array( 'http', 'https' ) ) : '';
	$clean['url'] = untrailingslashit( $url );
	$key          = isset( $input['site_key'] ) ? trim( (string) $input['site_key'] ) : '';
	$clean['site_key'] = substr( preg_replace( '/[^A-Za-z0-9_-]/', '', $key ), 0, 64 );
	$clean['article']  = isset( $input['article'] ) ? sanitize_text_field( (string) $input['article'] ) : '';
	$clean['caption']  = ! empty( $input['caption'] );
	$load_on           = isset( $input['load_on'] ) ? (string) $input['load_on'] : 'posts';
	$clean['load_on']  = in_array( $load_on, array( 'posts', 'pages', 'both' ), true ) ? $load_on : 'posts';

	if ( '' !== $clean['url'] && '' !== $clean['site_key'] ) {
		corrigo_report_key_check( corrigo_check_site_key( $clean['url'], $clean['site_key'] ) );
	} elseif ( '' !== trim( (string) ( isset( $input['url'] ) ? $input['url'] : '' ) ) && '' === $clean['url'] ) {
		add_settings_error( CORRIGO_OPTION, 'corrigo-url', __( 'Enter Corrigo’s address, such as https://corrigo.example.', 'corrigo' ) );
	}

	$token = isset( $input['token'] ) ? trim( sanitize_text_field( (string) $input['token'] ) ) : '';
	if ( ! empty( $input['forget_token'] ) ) {
		$clean['token'] = '';
	} elseif ( '' !== $token ) {
		$problem = corrigo_check_token( $clean['url'], $clean['site_key'], $token );
		if ( null === $problem ) {
			$clean['token'] = $token;
		} else {
			add_settings_error( CORRIGO_OPTION, 'corrigo-token', $problem );
		}
	}
	delete_transient( 'corrigo_open_misprints' );
	$done = $clean;
	return $clean;
}

/**
 * Asks Corrigo whether the key exists and this WordPress's origin may send reports.
 *
 * @param string $url Corrigo's address.
 * @param string $key The site key.
 * @return array 'ok' (bool) and 'message' (translated, plain text).
 */
function corrigo_check_site_key( $url, $key ) {
	$origin = corrigo_site_origin();
	$answer = corrigo_api_get( $url, '/api/v1/sites/' . rawurlencode( $key ) . '/check?origin=' . rawurlencode( $origin ) );
	if ( is_wp_error( $answer ) ) {
		return array(
			'ok'      => false,
			/* translators: 1: Corrigo's address, 2: the error. */
			'message' => sprintf( __( 'Corrigo at %1$s did not answer: %2$s', 'corrigo' ), $url, $answer->get_error_message() ),
		);
	}
	if ( 404 === $answer['status'] && isset( $answer['body']['error'] ) && 'unknown_site' === $answer['body']['error'] ) {
		return array(
			'ok'      => false,
			/* translators: %s: the site key. */
			'message' => sprintf( __( 'Corrigo does not know the site key %s. Copy it from Corrigo’s dashboard (Sites) or from “corrigo site list”.', 'corrigo' ), $key ),
		);
	}
	if ( 200 !== $answer['status'] || ! isset( $answer['body']['origin_allowed'] ) ) {
		return array(
			'ok'      => false,
			/* translators: 1: Corrigo's address, 2: an HTTP status code. */
			'message' => sprintf( __( 'The address %1$s does not look like Corrigo (it answered HTTP %2$d).', 'corrigo' ), $url, $answer['status'] ),
		);
	}
	if ( ! $answer['body']['origin_allowed'] ) {
		return array(
			'ok'      => false,
			/* translators: %s: this site's origin, such as https://news.example. */
			'message' => sprintf( __( 'The site key is right, but Corrigo does not accept reports from %s. Add this address to the site’s allowed origins in Corrigo’s dashboard (Sites).', 'corrigo' ), $origin ),
		);
	}
	return array(
		'ok'      => true,
		/* translators: %s: this site's origin. */
		'message' => sprintf( __( 'Corrigo knows this site key and accepts reports from %s.', 'corrigo' ), $origin ),
	);
}

/**
 * Shows the outcome of a key check above the form.
 *
 * @param array $check What corrigo_check_site_key() said.
 */
function corrigo_report_key_check( array $check ) {
	add_settings_error( CORRIGO_OPTION, 'corrigo-key', $check['message'], $check['ok'] ? 'success' : 'error' );
}

/**
 * Why a token cannot be kept (it must see only this site and change nothing), or null.
 *
 * @param string $url   Corrigo's address.
 * @param string $key   The site key.
 * @param string $token The token.
 * @return string|null
 */
function corrigo_check_token( $url, $key, $token ) {
	/* translators: %s: the site key. */
	$how = sprintf( __( 'Create one with: corrigo token create --name wordpress --site %s --read-only', 'corrigo' ), $key );
	if ( '' === $url || '' === $key ) {
		return __( 'Set Corrigo’s address and the site key before the token.', 'corrigo' );
	}
	$sites = corrigo_api_get( $url, '/api/v1/sites', $token );
	if ( is_wp_error( $sites ) || 200 !== $sites['status'] || ! isset( $sites['body']['items'] ) ) {
		return __( 'Corrigo refused this API token; it was not kept.', 'corrigo' ) . ' ' . $how;
	}
	$keys = wp_list_pluck( $sites['body']['items'], 'key' );
	if ( array( $key ) !== $keys ) {
		return __( 'This token sees other sites too; it was not kept.', 'corrigo' ) . ' ' . $how;
	}
	// An empty decision changes nothing: a read-only token is refused before it is read.
	$probe = corrigo_api_post(
		$url,
		'/api/v1/groups/actions',
		array(
			'ids'    => array(),
			'action' => 'reopen',
		),
		$token
	);
	if ( is_wp_error( $probe ) || 403 !== $probe['status'] || ! isset( $probe['body']['error'] ) || 'read_only_token' !== $probe['body']['error'] ) {
		return __( 'This token may change misprints; the plugin keeps only a read-only token.', 'corrigo' ) . ' ' . $how;
	}
	return null;
}

/**
 * One text field of the settings form, in its table row.
 *
 * @param string $field       The setting's name.
 * @param string $label       The field's label.
 * @param string $value       Its current value.
 * @param string $description Help under the field ('' for none).
 * @param array  $attributes  More attributes of the input (type defaults to text).
 */
function corrigo_text_row( $field, $label, $value, $description, array $attributes ) {
	$id         = 'corrigo-' . str_replace( '_', '-', $field );
	$attributes = array_merge(
		array(
			'type'       => 'text',
			'class'      => 'regular-text code',
			'id'         => $id,
			'name'       => CORRIGO_OPTION . '[' . $field . ']',
			'value'      => $value,
			'spellcheck' => 'false',
		),
		$attributes
	);
	echo '<tr><th scope="row"><label for="' . esc_attr( $id ) . '">' . esc_html( $label ) . '</label></th><td><input';
	foreach ( $attributes as $name => $attribute ) {
		echo ' ' . esc_attr( $name ) . '="' . esc_attr( $attribute ) . '"';
	}
	echo '>';
	if ( '' !== $description ) {
		echo '<p class="description">' . esc_html( $description ) . '</p>';
	}
	echo '</td></tr>';
}

/**
 * Settings → Corrigo.
 */
function corrigo_render_settings_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	$options = corrigo_options();
	$name    = CORRIGO_OPTION;
	?>
	<div class="wrap">
		<h1><?php esc_html_e( 'Corrigo', 'corrigo' ); ?></h1>
		<p><?php esc_html_e( 'Readers select a misprint and press Ctrl+Enter; the report goes to your editors in Corrigo.', 'corrigo' ); ?></p>
		<form method="post" action="options.php">
			<?php settings_fields( 'corrigo' ); ?>
			<table class="form-table" role="presentation">
				<?php
				corrigo_text_row( 'url', __( 'Corrigo address', 'corrigo' ), $options['url'], '', array( 'type' => 'url', 'placeholder' => 'https://corrigo.example' ) );
				corrigo_text_row( 'site_key', __( 'Site key', 'corrigo' ), $options['site_key'], __( 'From Corrigo’s dashboard (Sites) or “corrigo site add”. It is checked with Corrigo when you save.', 'corrigo' ), array( 'autocomplete' => 'off' ) );
				corrigo_text_row( 'article', __( 'Article selector', 'corrigo' ), $options['article'], __( 'The CSS selector of the article’s text; .entry-content fits most themes. Reports are taken only from selections in it.', 'corrigo' ), array() );
				?>
				<tr>
					<th scope="row"><?php esc_html_e( 'Caption', 'corrigo' ); ?></th>
					<td>
						<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[caption]" value="1" <?php checked( $options['caption'] ); ?>> <?php esc_html_e( 'Tell readers under the article how to report a misprint', 'corrigo' ); ?></label>
					</td>
				</tr>
				<tr>
					<th scope="row"><?php esc_html_e( 'Load the widget on', 'corrigo' ); ?></th>
					<td>
						<fieldset>
							<?php
							$choices = array(
								'posts' => __( 'Posts', 'corrigo' ),
								'pages' => __( 'Pages', 'corrigo' ),
								'both'  => __( 'Posts and pages', 'corrigo' ),
							);
							foreach ( $choices as $value => $label ) :
								?>
								<label><input type="radio" name="<?php echo esc_attr( $name ); ?>[load_on]" value="<?php echo esc_attr( $value ); ?>" <?php checked( $options['load_on'], $value ); ?>> <?php echo esc_html( $label ); ?></label><br>
							<?php endforeach; ?>
						</fieldset>
						<p class="description"><?php esc_html_e( 'Only on single posts or pages, never in feeds, the admin, AMP pages or REST answers. Developers: the filters corrigo_post_types and corrigo_load_widget.', 'corrigo' ); ?></p>
					</td>
				</tr>
				<tr>
					<th scope="row"><label for="corrigo-token"><?php esc_html_e( 'Read-only API token', 'corrigo' ); ?></label></th>
					<td>
						<input type="password" class="regular-text code" id="corrigo-token" name="<?php echo esc_attr( $name ); ?>[token]" value="" autocomplete="off">
						<p class="description">
							<?php esc_html_e( 'For the dashboard widget of open misprints. Create it on Corrigo’s server:', 'corrigo' ); ?>
							<code>corrigo token create --name wordpress --site <?php echo esc_html( '' !== $options['site_key'] ? $options['site_key'] : 'SITE_KEY' ); ?> --read-only</code>
						</p>
						<?php if ( '' !== $options['token'] ) : ?>
							<p><?php esc_html_e( 'A token is kept (leave the field empty to keep it).', 'corrigo' ); ?>
							<label><input type="checkbox" name="<?php echo esc_attr( $name ); ?>[forget_token]" value="1"> <?php esc_html_e( 'Forget it', 'corrigo' ); ?></label></p>
						<?php endif; ?>
					</td>
				</tr>
			</table>
			<?php submit_button(); ?>
		</form>
		<?php
		corrigo_render_connect_section( $options );
		corrigo_render_mistape_section( $options );
		?>
	</div>
	<?php
}
